"""Test images and the tensors the reference pipelines make of them, for ImagesTest.

Run from anywhere with the system Python and its Debian packages (the tests themselves need no Python):

    apt-get install -y python3-pil python3-numpy
    /usr/bin/python3 src/test/resources/images/make_references.py

It rewrites, next to itself, the test images and these float32 .npy files (little-endian '<f4', format 1.0):

  <image>.hf.npy    3x32x32: Hugging Face ViTImageProcessor's steps with size 32x32, resample 2 (bilinear),
                    rescale 1/255, mean = std = 0.5: PIL resize, float64 * factor -> float32,
                    (x - mean) / std in float32, HWC -> CHW.
  <image>.timm.npy  3x32x32: timm's eval transform for input_size [3,32,32], crop_pct 0.875, bicubic,
                    ImageNet mean/std: torchvision Resize(36) (shorter side 36, longer int(36*long/short)),
                    CenterCrop(32) with top/left = int(round((size - 32) / 2.0)), ToTensor (x / 255 in
                    float32), Normalize in float32. torchvision itself is not needed: each step is the PIL
                    call or numpy arithmetic torchvision performs on a PIL image.
  resize_cases.npy  PIL resizes of rgb_37x23.png for RESIZE_CASES, each HWC uint8 stored as float32,
                    concatenated in the order below (ImagesTest lists the same cases).

Every image is opened with Image.open(...).convert("RGB"), as both pipelines do.
Last generated with Pillow 9.4.0 and numpy 1.24.2 (Debian 12).
"""

import math
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
SIZE = 32
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# (width, height, PIL filter); ImagesTest.RESIZE_CASES must list the same, in this order.
RESIZE_CASES = [
    (16, 16, Image.NEAREST), (16, 16, Image.BILINEAR), (16, 16, Image.BICUBIC),
    (50, 30, Image.NEAREST), (50, 30, Image.BILINEAR), (50, 30, Image.BICUBIC),
    (5, 7, Image.BILINEAR), (5, 7, Image.BICUBIC),
    (37, 10, Image.BICUBIC), (100, 3, Image.BILINEAR), (9, 23, Image.NEAREST),
]


def make_images():
    rng = np.random.default_rng(20240601)

    def pattern(w, h):
        yy, xx = np.mgrid[0:h, 0:w]
        base = np.stack([xx * 255 / (w - 1), yy * 255 / (h - 1), 255 - (xx + yy) * 255 / (w + h - 2)], -1)
        return (base + rng.normal(0, 25, (h, w, 3))).clip(0, 255).astype(np.uint8)

    Image.fromarray(pattern(37, 23), "RGB").save(os.path.join(HERE, "rgb_37x23.png"))
    Image.fromarray(pattern(29, 41)[:, :, 0], "L").save(os.path.join(HERE, "gray_29x41.png"))
    rgba = np.concatenate([pattern(40, 30), rng.integers(0, 256, (30, 40, 1), dtype=np.uint8)], -1)
    rgba[:5, :5, 3] = 0  # fully transparent corner whose colors PIL keeps
    Image.fromarray(rgba, "RGBA").save(os.path.join(HERE, "rgba_40x30.png"))
    palette = Image.fromarray(pattern(24, 20), "RGB").quantize(colors=16, dither=Image.Dither.NONE)
    palette.save(os.path.join(HERE, "palette_24x20.png"), transparency=0)
    Image.fromarray(pattern(45, 33), "RGB").save(os.path.join(HERE, "photo_45x33.jpg"), quality=90)


def save(name, array):
    np.save(os.path.join(HERE, name), np.ascontiguousarray(array, dtype="<f4"))


def hugging_face(img):
    resized = np.asarray(img.resize((SIZE, SIZE), Image.BILINEAR))
    x = (resized.astype(np.float64) * (1 / 255)).astype(np.float32)
    mean = np.array([0.5] * 3, dtype=np.float32)
    std = np.array([0.5] * 3, dtype=np.float32)
    return ((x - mean) / std).transpose(2, 0, 1)


def timm(img):
    shorter = math.floor(SIZE / 0.875)
    w, h = img.size
    if w <= h:
        size = (shorter, int(shorter * h / w))
    else:
        size = (int(shorter * w / h), shorter)
    resized = img.resize(size, Image.BICUBIC) if size != img.size else img
    top = int(round((size[1] - SIZE) / 2.0))
    left = int(round((size[0] - SIZE) / 2.0))
    cropped = np.asarray(resized.crop((left, top, left + SIZE, top + SIZE)))
    x = cropped.astype(np.float32) / np.float32(255)
    mean = np.array(IMAGENET_MEAN, dtype=np.float32)
    std = np.array(IMAGENET_STD, dtype=np.float32)
    return ((x - mean) / std).transpose(2, 0, 1)


def main():
    make_images()
    for name in ["rgb_37x23.png", "gray_29x41.png", "rgba_40x30.png", "palette_24x20.png", "photo_45x33.jpg"]:
        img = Image.open(os.path.join(HERE, name)).convert("RGB")
        save(name + ".hf.npy", hugging_face(img))
        save(name + ".timm.npy", timm(img))
    src = Image.open(os.path.join(HERE, "rgb_37x23.png")).convert("RGB")
    cases = [np.asarray(src.resize((w, h), f)).reshape(-1) for w, h, f in RESIZE_CASES]
    save("resize_cases.npy", np.concatenate(cases))


if __name__ == "__main__":
    main()

package dev.vectorvit.jmh.report;

import dev.vectorvit.model.ViTConfig;
import dev.vectorvit.model.ViTModel;

/** ViT-B/16's FLOPs per image at 224, counted by the model's own stages (random weights, built once). */
final class VitBase16 {
    private static double flops;

    private VitBase16() {
    }

    static synchronized double flopsPerImage() {
        if (flops == 0) {
            try (ViTModel m = ViTModel.random(ViTConfig.vitBase16(), 1, ViTModel.Options.defaults())) {
                flops = m.flopsPerImage();
            }
        }
        return flops;
    }
}

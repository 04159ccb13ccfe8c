package dev.vectorvit.model;

import dev.vectorvit.kernels.Activation;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The dimensions of a Vision Transformer of the standard family (ViT-B/16 and its relatives): images
 * cut into square patches, prefix tokens (the class token, DeiT's distillation token), learned position
 * embeddings over every token, pre-norm encoder blocks and a classifier on the prefix tokens.
 *
 * @param imageHeight  input height in pixels, a multiple of the patch size
 * @param imageWidth   input width in pixels, a multiple of the patch size
 * @param patchSize    patch height and width
 * @param channels     input channels (3)
 * @param hidden       embedding width D
 * @param layers       encoder blocks
 * @param heads        attention heads (D must be a multiple)
 * @param mlp          hidden width of the MLP
 * @param classes      logits per image
 * @param eps          LayerNorm epsilon
 * @param activation   the MLP's activation
 * @param labels       one name per class
 * @param prefixTokens learned tokens before the patches (1: the class token; DeiT: class and distillation)
 * @param classifier   the head on the prefix tokens, or none (then {@code classes} is 0)
 * @param tower        which tower of the family (ViT, CLIP, SigLIP): its pre-norm, tokens and pooled output
 */
public record ViTConfig(int imageHeight, int imageWidth, int patchSize, int channels, int hidden, int layers, int heads,
                        int mlp, int classes, float eps, Activation activation, List<String> labels, int prefixTokens,
                        Classifier classifier, Tower tower) {

    /** The original ViT on {@code imageSize x imageSize} images: one class token and a linear head on it. */
    public ViTConfig(int imageSize, int patchSize, int channels, int hidden, int layers, int heads, int mlp,
                     int classes, float eps, Activation activation, List<String> labels) {
        this(imageSize, patchSize, channels, hidden, layers, heads, mlp, classes, eps, activation, labels, 1,
                Classifier.CLASS_TOKEN);
    }

    /** A ViT or DeiT on square images: the given prefix tokens and head. */
    public ViTConfig(int imageSize, int patchSize, int channels, int hidden, int layers, int heads, int mlp,
                     int classes, float eps, Activation activation, List<String> labels, int prefixTokens,
                     Classifier classifier) {
        this(imageSize, patchSize, channels, hidden, layers, heads, mlp, classes, eps, activation, labels,
                prefixTokens, classifier, Tower.VIT);
    }

    /** A tower of the family on square images. */
    public ViTConfig(int imageSize, int patchSize, int channels, int hidden, int layers, int heads, int mlp,
                     int classes, float eps, Activation activation, List<String> labels, int prefixTokens,
                     Classifier classifier, Tower tower) {
        this(imageSize, imageSize, patchSize, channels, hidden, layers, heads, mlp, classes, eps, activation, labels,
                prefixTokens, classifier, tower);
    }

    public ViTConfig {
        positive("image height", imageHeight);
        positive("image width", imageWidth);
        positive("patch size", patchSize);
        positive("channels", channels);
        positive("hidden size", hidden);
        positive("layers", layers);
        positive("heads", heads);
        positive("mlp size", mlp);
        if (classifier == null) {
            throw new IllegalArgumentException("classifier must not be null (Classifier.NONE for none)");
        }
        if (classifier == Classifier.NONE ? classes != 0 : classes < 1) {
            throw new IllegalArgumentException(classifier == Classifier.NONE ? "a model without classifier has 0 classes, got "
                    + classes : "classes must be >= 1, got " + classes);
        }
        if (tower == null) {
            throw new IllegalArgumentException("tower must not be null (Tower.VIT for ViT and DeiT)");
        }
        int minPrefix = Math.max(tower.kind().classToken ? 1 : 0, classifier.heads());
        if (prefixTokens < minPrefix) {
            throw new IllegalArgumentException("prefix tokens must be >= " + minPrefix + " for the " + tower.kind()
                    + " tower and classifier heads " + classifier.heads() + ", got " + prefixTokens);
        }
        if (imageHeight % patchSize != 0 || imageWidth % patchSize != 0) {
            throw new IllegalArgumentException("image size " + imageHeight + "x" + imageWidth
                    + " is not a multiple of patch size " + patchSize);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of heads " + heads);
        }
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("LayerNorm eps must be finite and >= 0, got " + eps);
        }
        if (activation == null || activation == Activation.NONE) {
            throw new IllegalArgumentException("the MLP needs a GELU activation, got " + activation);
        }
        if (labels == null) {
            labels = defaultLabels(classes);
        } else if (labels.size() != classes) {
            throw new IllegalArgumentException(labels.size() + " labels for " + classes + " classes");
        } else {
            labels = List.copyOf(labels);
        }
        long tokens = (long) (imageHeight / patchSize) * (imageWidth / patchSize) + prefixTokens;
        if (tokens * Math.max(hidden, mlp) > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("model too large for one image's activations: " + tokens + " tokens");
        }
    }

    /** ViT-B/16 at 224 x 224 with 1000 classes: the reference model of this project. */
    public static ViTConfig vitBase16() {
        return new ViTConfig(224, 16, 3, 768, 12, 12, 3072, 1000, 1e-12f, Activation.GELU_ERF, null);
    }

    private static void positive(String what, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + v);
        }
    }

    static List<String> defaultLabels(int classes) {
        return new DefaultLabels(classes);
    }

    /**
     * LABEL_0, LABEL_1, ...: an immutable list that makes each name when asked, so that a config's class
     * count (not yet checked against the weights) never sizes an allocation.
     */
    private static final class DefaultLabels extends AbstractList<String> implements RandomAccess {
        private final int size;

        DefaultLabels(int size) {
            this.size = size;
        }

        @Override
        public String get(int index) {
            Objects.checkIndex(index, size);
            return "LABEL_" + index;
        }

        @Override
        public int size() {
            return size;
        }
    }

    /** This model run on {@code height x width} images (its position embeddings resampled to the new grid at load). */
    public ViTConfig withImageSize(int height, int width) {
        // Default labels are made again when asked, never copied: the class count may be huge.
        return height == imageHeight && width == imageWidth ? this : new ViTConfig(height, width, patchSize, channels,
                hidden, layers, heads, mlp, classes, eps, activation, labels instanceof DefaultLabels ? null : labels,
                prefixTokens, classifier, tower);
    }

    /** Patch rows per image. */
    public int gridHeight() {
        return imageHeight / patchSize;
    }

    /** Patch columns per image. */
    public int gridWidth() {
        return imageWidth / patchSize;
    }

    /** Patches per image. */
    public int patches() {
        return gridHeight() * gridWidth();
    }

    /** Tokens per image: the prefix tokens, then the patches (row-major). */
    public int tokens() {
        return prefixTokens() + patches();
    }

    public int headSize() {
        return hidden / heads;
    }

    /** Floats in one input image (channels x height x width). */
    public int imageFloats() {
        return channels * imageHeight * imageWidth;
    }

    /** Floats in one unfolded patch (channels x patch x patch). */
    public int patchFloats() {
        return channels * patchSize * patchSize;
    }
}

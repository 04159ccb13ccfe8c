package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import java.io.IOException;
import java.util.Map;

/**
 * Hugging Face DeiT: a ViT whose embeddings always hold a class and a distillation token (positions for
 * patches + 2). {@code DeiTForImageClassificationWithTeacher} averages a {@code cls_classifier} on the
 * class token and a {@code distillation_classifier} on the distillation token; the plain
 * {@code DeiTForImageClassification} has one {@code classifier} on the class token.
 */
final class DeiT implements HuggingFaceFormat {
    private static final String WITH_TEACHER = "DeiTForImageClassificationWithTeacher";
    private static final String PLAIN = "DeiTForImageClassification";

    @Override
    public String name() {
        return "Hugging Face DeiT";
    }

    @Override
    public String describes() {
        return "model_type 'deit' (" + WITH_TEACHER + ", " + PLAIN + ")";
    }

    @Override
    public boolean reads(Map<String, Object> config) {
        return "deit".equals(config.get("model_type"));
    }

    @Override
    public ViTConfig config(Map<String, Object> config, String src) throws FormatException {
        String arch = Formats.architecture(config, src);
        Classifier head;
        if (WITH_TEACHER.equals(arch)) {
            head = Classifier.DISTILLED;
        } else if (PLAIN.equals(arch)) {
            head = Classifier.CLASS_TOKEN;
        } else {
            throw new FormatException(src + ": architecture " + (arch == null ? "(none)" : "'" + arch + "'")
                    + " is not supported for model_type 'deit' (supported: " + WITH_TEACHER + ", " + PLAIN + ")");
        }
        return ConfigValues.huggingFace(config, src, 2, head);
    }

    @Override
    public String marker() {
        return "deit.embeddings.distillation_token";
    }

    @Override
    public String layerPrefix(int i) {
        return "deit.encoder.layer." + i + ".";
    }

    @Override
    public ViTWeights.Layer layer(WeightLoader w, ViTConfig c, int i) throws IOException {
        return HuggingFaceViT.encoderLayer(w, c, layerPrefix(i));
    }

    @Override
    public ViTWeights weights(WeightLoader w, ViTConfig c, ViTWeights.Layer[] layers) throws IOException {
        ViTWeights.Linear[] heads = c.classifier() == Classifier.DISTILLED
                ? new ViTWeights.Linear[] {w.head("cls_classifier", c), w.head("distillation_classifier", c)}
                : new ViTWeights.Linear[] {w.head("classifier", c)};
        return HuggingFaceViT.weights(w, c, "deit.", w.stacked(new long[] {1, 1, c.hidden()},
                "deit.embeddings.cls_token", "deit.embeddings.distillation_token"), 0, false, layers, heads);
    }
}

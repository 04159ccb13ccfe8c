package dev.vectorvit.model;

import java.io.IOException;

/**
 * A Hugging Face format of a CLIP-style vision tower (CLIP, SigLIP): blocks under
 * "{@link #model()}encoder.layers.{i}." with {@link LayerNames#CLIP}'s names.
 */
interface TowerFormat extends HuggingFaceFormat {
    /** Where the tower's tensor names start, e.g. "vision_model.". */
    String model();

    @Override
    default String layerPrefix(int i) {
        return model() + "encoder.layers." + i + ".";
    }

    @Override
    default ViTWeights.Layer layer(WeightLoader w, ViTConfig c, int i) throws IOException {
        return LayerNames.CLIP.read(w, c, layerPrefix(i));
    }
}

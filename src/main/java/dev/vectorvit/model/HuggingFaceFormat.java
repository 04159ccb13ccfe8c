package dev.vectorvit.model;

import dev.vectorvit.io.FormatException;
import dev.vectorvit.io.ImagePreprocessing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A format of a Hugging Face folder: its preprocessing is the preprocessor_config.json beside the weights. */
interface HuggingFaceFormat extends CheckpointFormat {
    @Override
    default Map<String, Object> preprocessorConfig(Path dir, Map<String, Object> config, String src) throws IOException {
        return HuggingFaceViT.preprocessorFile(dir);
    }

    @Override
    default ImagePreprocessing preprocessing(ModelSource source) throws FormatException {
        return HuggingFaceViT.huggingFacePreprocessing(source);
    }
}

package dev.vectorvit.model;

import dev.vectorvit.model.Workspace.Buffer;
import java.lang.foreign.MemorySegment;

/** What a forward pass gives per image: the head's logits, the pooled embedding, or every token. */
public enum Output {
    /** {@link InferenceSession#forward}: classes floats per image. */
    LOGITS(Buffer.LOGITS, "logits"),
    /** {@link InferenceSession#embed}: the pooled output the model defines (hidden floats, CLIP's projection). */
    EMBEDDING(Buffer.POOLED, "embeddings"),
    /** {@link InferenceSession#tokens}: tokens x hidden floats per image, Hugging Face's last_hidden_state. */
    TOKENS(Buffer.XN, "tokens");

    /** Where the result lies in the workspace after its stages (images one after the other). */
    final Buffer buffer;
    /** The output's name in argument errors. */
    final String label;

    Output(Buffer buffer, String label) {
        this.buffer = buffer;
        this.label = label;
    }

    /** Floats per image. */
    public int width(ViTConfig c) {
        return switch (this) {
            case LOGITS -> c.classes();
            case EMBEDDING -> c.tower().embedding(c.hidden());
            case TOKENS -> c.tokens() * c.hidden();
        };
    }

    /** Runs {@code batch} images through {@code session} into {@code out} at float offset {@code outOffset}. */
    public void run(InferenceSession session, MemorySegment input, long inputOffset, int batch, MemorySegment out,
                    long outOffset) {
        session.run(this, input, inputOffset, batch, out, outOffset, null);
    }
}

package dev.vectorvit.model;

import java.lang.foreign.MemorySegment;

/** What a forward pass gives per image: the head's logits, or the embedding the head reads. */
public enum Output {
    /** {@link InferenceSession#forward}: classes floats per image. */
    LOGITS,
    /** {@link InferenceSession#embed}: hidden floats per image. */
    EMBEDDING;

    /** Floats per image. */
    public int width(ViTConfig c) {
        return this == LOGITS ? c.classes() : c.hidden();
    }

    /** Runs {@code batch} images through {@code session} into {@code out} at float offset {@code outOffset}. */
    public void run(InferenceSession session, MemorySegment input, long inputOffset, int batch, MemorySegment out,
                    long outOffset) {
        if (this == LOGITS) {
            session.forward(input, inputOffset, batch, out, outOffset);
        } else {
            session.embed(input, inputOffset, batch, out, outOffset);
        }
    }
}

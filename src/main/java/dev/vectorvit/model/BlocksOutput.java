package dev.vectorvit.model;

import dev.vectorvit.model.Workspace.Buffer;
import java.lang.foreign.MemorySegment;

/**
 * The blocks' output as the tokens, for a tower whose {@code last_hidden_state} has no final LayerNorm
 * (CLIP normalizes only the class token it pools): x copied to where the tokens output lies.
 */
record BlocksOutput(ViTConfig c) implements Stage {

    @Override
    public Op op() {
        return Op.HEAD;
    }

    @Override
    public void run(Workspace ws) {
        MemorySegment.copy(ws.buffer(Buffer.X), 0, ws.buffer(Output.TOKENS.buffer), 0,
                (long) ws.rows() * c.hidden() * Float.BYTES);
    }
}

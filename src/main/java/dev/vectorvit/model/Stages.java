package dev.vectorvit.model;

import dev.vectorvit.kernels.Activation;
import dev.vectorvit.model.Workspace.Buffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A model as the stages a session runs for each {@link Output}: the patch embedding and the blocks (each
 * LayerNorm, q/k/v, attention, projection, LayerNorm, fc1, fc2), then the ending the output asks for. A new
 * variant of the family is new stages (or flags of these) chosen here from its {@link ViTConfig}.
 */
final class Stages {
    private final Map<Output, Stage[]> plans = new EnumMap<>(Output.class);

    Stages(ViTConfig c, ViTWeights w) {
        List<Stage> body = new ArrayList<>();
        body.add(new PatchEmbedding(c, w));
        if (c.tower().kind() == Tower.Kind.CLIP) {
            body.add(new BlockNorm(c, w.tower().preNormWeight(), w.tower().preNormBias(), Buffer.X));
        }
        int d = c.hidden(), t = c.tokens();
        for (int i = 0; i < c.layers(); i++) {
            ViTWeights.Layer l = w.layers()[i];
            body.add(new BlockNorm(c, l.norm1Weight(), l.norm1Bias()));
            body.add(new LinearStage(Op.QKV, t, Buffer.XN, d, new ViTWeights.Linear(l.qkv(), l.qkvBias()), 0f,
                    Buffer.QKV, 3 * d, Activation.NONE, null));
            body.add(new Attention(c, i));
            body.add(new LinearStage(Op.OUTPUT_PROJECTION, t, Buffer.CTX, d,
                    new ViTWeights.Linear(l.projWeight(), l.projBias()), 1f, Buffer.X, d, Activation.NONE, null));
            body.add(new BlockNorm(c, l.norm2Weight(), l.norm2Bias()));
            body.add(new LinearStage(Op.FC1_GELU, t, Buffer.XN, d, new ViTWeights.Linear(l.fc1Weight(), l.fc1Bias()),
                    0f, Buffer.HIDDEN, c.mlp(), c.activation(), null));
            body.add(new LinearStage(Op.FC2, t, Buffer.HIDDEN, c.mlp(), new ViTWeights.Linear(l.fc2Weight(), l.fc2Bias()),
                    1f, Buffer.X, d, Activation.NONE, "block" + i));
        }
        FinalNorm everyToken = new FinalNorm(c, w.normWeight(), w.normBias(), 0);
        switch (c.tower().kind()) {
            case VIT -> {
                FinalNorm pool = new FinalNorm(c, w.normWeight(), w.normBias(), Math.max(1, c.classifier().heads()));
                plans.put(Output.EMBEDDING, plan(body, pool));
                plans.put(Output.TOKENS, plan(body, everyToken));
                if (c.classifier() == Classifier.CLASS_AND_PATCH_MEAN) {
                    plans.put(Output.LOGITS, plan(body, everyToken, new PatchMeanHead(c, w.heads()[0])));
                } else if (w.heads().length > 0) {
                    plans.put(Output.LOGITS, plan(body, pool, new ClassifierHead(c, w.heads())));
                }
            }
            case CLIP -> {
                plans.put(Output.EMBEDDING, plan(body,
                        new ClipPooler(c, w.normWeight(), w.normBias(), w.tower().projection())));
                plans.put(Output.TOKENS, plan(body, new BlocksOutput(c)));
            }
            case SIGLIP -> {
                plans.put(Output.EMBEDDING, plan(body, everyToken, new PoolingHead(c, w.tower().pooling())));
                plans.put(Output.TOKENS, plan(body, everyToken));
            }
            case SIGLIP_WITHOUT_HEAD -> plans.put(Output.TOKENS, plan(body, everyToken));
        }
    }

    private static Stage[] plan(List<Stage> body, Stage... ending) {
        List<Stage> all = new ArrayList<>(body);
        all.addAll(List.of(ending));
        return all.toArray(Stage[]::new);
    }

    /** The stages that make {@code output}, or null if the model has no such output (no classifier, no pooler). */
    Stage[] plan(Output output) {
        return plans.get(output);
    }

    /** The output of the model's fullest pass: the logits if it has them, else the embedding, else the tokens. */
    Output fullest() {
        for (Output o : Output.values()) {
            if (plans.containsKey(o)) {
                return o;
            }
        }
        throw new IllegalStateException("a model without stages"); // every model has its tokens
    }

    /** FLOPs of {@code op} in the model's {@link #fullest} pass. */
    double flops(Op op, int batch) {
        double sum = 0;
        for (Stage s : plans.get(fullest())) {
            sum += s.flops(op, batch);
        }
        return sum;
    }
}

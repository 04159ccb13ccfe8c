package dev.vectorvit.model;

import dev.vectorvit.io.Json;
import dev.vectorvit.io.SafeTensorsWriter.Tensor;
import dev.vectorvit.kernels.ScalarKernels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code ViTForImageClassification} folder run in double, the naive way, as transformers'
 * modeling_vit.py writes it: no packing, no fused epilogues, no threads, nothing shared with the model
 * code but the scalar erf. Any height x width (multiples of the patch): the trained grid of position
 * embeddings is resampled as {@code interpolate_pos_encoding} does, {@code F.interpolate(size=(h / p, w / p),
 * mode="bicubic", align_corners=False)}, here as a dense matrix per axis of Keys weights (A = -0.75) at the
 * exact source position (o + 0.5) in / out - 0.5, in double (the identity where the sizes agree).
 */
final class ReferenceViT {
    private final Map<String, Tensor> t;
    private final int d;
    private final int heads;
    private final int layers;
    private final int patch;
    /** The trained grid of position embeddings: config.json's image_size (an int or [h, w]) over the patch. */
    private final int gridHeight;
    private final int gridWidth;
    private final double eps;

    ReferenceViT(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        Map<String, Object> c = Json.object(Json.parse(file), "config", file.toString());
        d = (int) Json.integer(c.get("hidden_size"), "hidden_size", file.toString());
        heads = (int) Json.integer(c.get("num_attention_heads"), "num_attention_heads", file.toString());
        layers = (int) Json.integer(c.get("num_hidden_layers"), "num_hidden_layers", file.toString());
        patch = (int) Json.integer(c.get("patch_size"), "patch_size", file.toString());
        eps = Json.number(c.get("layer_norm_eps"), "layer_norm_eps", file.toString());
        List<?> hw = c.get("image_size") instanceof List<?> l ? l : List.of(c.get("image_size"), c.get("image_size"));
        gridHeight = (int) Json.integer(hw.get(0), "image_size", file.toString()) / patch;
        gridWidth = (int) Json.integer(hw.get(1), "image_size", file.toString()) / patch;
        t = Fixtures.readTensors(dir.resolve("model.safetensors"));
    }

    /** {@code last_hidden_state} [tokens][D] of image {@code index} of float32 NCHW images of h x w. */
    double[][] tokens(float[] images, int index, int h, int w) {
        double[][] x = embeddings(images, index, h, w);
        for (int l = 0; l < layers; l++) {
            String p = "vit.encoder.layer." + l + ".";
            double[][] a = attention(norm(x, p + "layernorm_before"), p);
            add(x, linear(a, p + "attention.output.dense"));
            double[][] hidden = linear(norm(x, p + "layernorm_after"), p + "intermediate.dense");
            for (double[] row : hidden) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = ScalarKernels.geluErf(row[i]);
                }
            }
            add(x, linear(hidden, p + "output.dense"));
        }
        return norm(x, "vit.layernorm");
    }

    /** The logits of {@link #tokens}: the classifier on the class token. */
    double[] logits(double[][] tokens) {
        return linear(new double[][] {tokens[0]}, "classifier")[0];
    }

    /** The class token, then the patches (conv with stride p, row-major), plus the positions at this grid. */
    private double[][] embeddings(float[] images, int index, int h, int w) {
        int gh = h / patch, gw = w / patch;
        float[] kernel = t.get("vit.embeddings.patch_embeddings.projection.weight").values();
        float[] bias = t.get("vit.embeddings.patch_embeddings.projection.bias").values();
        double[][] pos = positions(gh, gw);
        double[][] x = new double[1 + gh * gw][d];
        float[] cls = t.get("vit.embeddings.cls_token").values();
        for (int k = 0; k < d; k++) {
            x[0][k] = cls[k] + pos[0][k];
        }
        long image = (long) index * 3 * h * w;
        for (int py = 0; py < gh; py++) {
            for (int px = 0; px < gw; px++) {
                double[] out = x[1 + py * gw + px];
                for (int k = 0; k < d; k++) {
                    double sum = bias[k];
                    for (int ch = 0; ch < 3; ch++) {
                        for (int ky = 0; ky < patch; ky++) {
                            for (int kx = 0; kx < patch; kx++) {
                                sum += (double) kernel[((k * 3 + ch) * patch + ky) * patch + kx]
                                        * images[(int) (image + ((long) ch * h + py * patch + ky) * w + px * patch + kx)];
                            }
                        }
                    }
                    out[k] = sum + pos[1 + py * gw + px][k];
                }
            }
        }
        return x;
    }

    /** The class position, then the trained grid as it is or resampled to gh x gw. */
    private double[][] positions(int gh, int gw) {
        float[] p = t.get("vit.embeddings.position_embeddings").values();
        int th = gridHeight, tw = gridWidth;
        double[][] out = new double[1 + gh * gw][d];
        double[][] wy = weights(th, gh), wx = weights(tw, gw);
        for (int k = 0; k < d; k++) {
            out[0][k] = p[k];
            for (int oy = 0; oy < gh; oy++) {
                for (int ox = 0; ox < gw; ox++) {
                    double sum = 0;
                    for (int y = 0; y < th; y++) {
                        for (int x = 0; x < tw; x++) {
                            sum += wy[oy][y] * wx[ox][x] * p[(1 + y * tw + x) * d + k];
                        }
                    }
                    out[1 + oy * gw + ox][k] = sum;
                }
            }
        }
        return out;
    }

    /** W[o][s] of PyTorch's bicubic from {@code in} to {@code out} samples: the identity for the same size. */
    private static double[][] weights(int in, int out) {
        double[][] w = new double[out][in];
        for (int o = 0; o < out; o++) {
            double src = (o + 0.5) * in / out - 0.5;
            int base = (int) Math.floor(src);
            for (int s = base - 1; s <= base + 2; s++) {
                double x = Math.abs(src - s), a = -0.75;
                double keys = x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1
                        : x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a : 0;
                w[o][Math.max(0, Math.min(in - 1, s))] += keys;
            }
        }
        return w;
    }

    /** Multi-head self-attention of {@code x} (q, k, v of module {@code p}), before the output projection. */
    private double[][] attention(double[][] x, String p) {
        String a = p + "attention.attention.";
        double[][] q = linear(x, a + "query"), k = linear(x, a + "key"), v = linear(x, a + "value");
        int n = x.length, hd = d / heads;
        double[][] out = new double[n][d];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) {
                double[] s = new double[n];
                double max = Double.NEGATIVE_INFINITY, total = 0;
                for (int j = 0; j < n; j++) {
                    for (int c = h * hd; c < (h + 1) * hd; c++) {
                        s[j] += q[i][c] * k[j][c];
                    }
                    s[j] /= Math.sqrt(hd);
                    max = Math.max(max, s[j]);
                }
                for (int j = 0; j < n; j++) {
                    s[j] = Math.exp(s[j] - max);
                    total += s[j];
                }
                for (int j = 0; j < n; j++) {
                    for (int c = h * hd; c < (h + 1) * hd; c++) {
                        out[i][c] += s[j] / total * v[j][c];
                    }
                }
            }
        }
        return out;
    }

    /** x W^T + b of the linear module {@code name}. */
    private double[][] linear(double[][] x, String name) {
        float[] weight = t.get(name + ".weight").values(), bias = t.get(name + ".bias").values();
        int out = bias.length, in = x[0].length;
        double[][] y = new double[x.length][out];
        for (int r = 0; r < x.length; r++) {
            for (int o = 0; o < out; o++) {
                double sum = bias[o];
                for (int i = 0; i < in; i++) {
                    sum += (double) weight[o * in + i] * x[r][i];
                }
                y[r][o] = sum;
            }
        }
        return y;
    }

    /** LayerNorm of each row with the module {@code name}'s weight and bias. */
    private double[][] norm(double[][] x, String name) {
        float[] g = t.get(name + ".weight").values(), b = t.get(name + ".bias").values();
        double[][] y = new double[x.length][d];
        for (int r = 0; r < x.length; r++) {
            double mean = 0, var = 0;
            for (double v : x[r]) {
                mean += v / d;
            }
            for (double v : x[r]) {
                var += (v - mean) * (v - mean) / d;
            }
            for (int i = 0; i < d; i++) {
                y[r][i] = (x[r][i] - mean) / Math.sqrt(var + eps) * g[i] + b[i];
            }
        }
        return y;
    }

    private static void add(double[][] x, double[][] y) {
        for (int r = 0; r < x.length; r++) {
            for (int i = 0; i < x[r].length; i++) {
                x[r][i] += y[r][i];
            }
        }
    }
}

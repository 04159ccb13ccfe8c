package dev.vectorvit.examples;

import dev.vectorvit.model.Prediction;
import dev.vectorvit.model.ViTModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Classifies image files with a ViT model folder, then ranks the other images by how similar they are
 * to the first.
 *
 * <pre>ClassifyAndRank MODEL_DIR IMAGE IMAGE...</pre>
 *
 * Prints one line per image, {@code image  label  probability}, then the other images most similar first,
 * {@code similarity  image}.
 */
public final class ClassifyAndRank {

    /** One image and its similarity to the first. */
    public record Ranked(Path image, double similarity) {}

    private ClassifyAndRank() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: ClassifyAndRank MODEL_DIR IMAGE IMAGE...");
            System.exit(2);
        }
        List<Path> images = Arrays.stream(args, 1, args.length).map(Path::of).toList();
        run(Path.of(args[0]), images, System.out);
    }

    /** Prints each image's best class, then the ranking; returns the ranking. */
    public static List<Ranked> run(Path modelDir, List<Path> images, PrintStream out) throws IOException {
        try (ViTModel model = ViTModel.load(modelDir)) {
            int classes = model.config().classes();
            // Every class of every image: its probability vector, as well as its best class.
            List<List<Prediction>> predictions = model.classify(images, classes);
            List<double[]> vectors = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                Prediction best = predictions.get(i).getFirst();
                out.printf("%s  %s  %.4f%n", images.get(i).getFileName(), best.label(), best.probability());
                vectors.add(probabilities(predictions.get(i), classes));
            }
            // The library has no embedding API yet: the class probabilities stand in for an embedding,
            // so "similar" here means "the model hesitates between the same classes", not visual likeness.
            List<Ranked> ranking = new ArrayList<>();
            for (int i = 1; i < images.size(); i++) {
                ranking.add(new Ranked(images.get(i), cosine(vectors.getFirst(), vectors.get(i))));
            }
            ranking.sort(Comparator.comparingDouble(Ranked::similarity).reversed());
            out.println("most like " + images.getFirst().getFileName() + " (cosine similarity of class probabilities):");
            for (Ranked r : ranking) {
                out.printf("%.4f  %s%n", r.similarity(), r.image().getFileName());
            }
            return ranking;
        }
    }

    private static double[] probabilities(List<Prediction> all, int classes) {
        double[] p = new double[classes];
        for (Prediction c : all) {
            p[c.index()] = c.probability();
        }
        return p;
    }

    static double cosine(double[] a, double[] b) {
        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return dot / Math.sqrt(aa * bb);
    }
}

package dev.vectorvit.spark;

import dev.vectorvit.io.Images;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.Prediction;
import dev.vectorvit.model.ViTModel;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Vision Transformer inference on Spark: images as rows of the {@code binaryFile} source ({@code path},
 * {@code content}) to results, one row per image with an {@code error} column (null when it worked). The
 * model folder ({@code config.json} + {@code model.safetensors}) must be at a path every executor can
 * read; each executor JVM maps it once and shares it among its tasks (see {@link ExecutorModels}).
 *
 * <p>As a job: {@code spark-submit --class dev.vectorvit.spark.VitSpark vectorvit-spark.jar IMAGES MODEL_DIR
 * OUTPUT.parquet [--task classify|embed] [--batch N] [--top K] [--max-pixels N]}.
 */
public final class VitSpark {
    /**
     * @param batch     images per forward pass
     * @param top       labels and probabilities per image (classify)
     * @param maxPixels images whose header declares more pixels are error rows, never decoded
     */
    public record Options(int batch, int top, long maxPixels) implements Serializable {
        public Options {
            if (batch < 1 || top < 1 || maxPixels < 1) {
                throw new IllegalArgumentException("batch, top and maxPixels must be >= 1, got " + batch + ", " + top
                        + ", " + maxPixels);
            }
        }

        /** Batches of 8, the top 5 classes, Pillow's pixel limit. */
        public static Options defaults() {
            return new Options(8, 5, Images.MAX_PIXELS);
        }

        public Options withBatch(int n) {
            return new Options(n, top, maxPixels);
        }

        public Options withTop(int k) {
            return new Options(batch, k, maxPixels);
        }

        public Options withMaxPixels(long n) {
            return new Options(batch, top, n);
        }
    }

    /** classify's columns: the top classes, best first, and all the logits. */
    public static final StructType CLASSIFY_SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("labels", DataTypes.createArrayType(DataTypes.StringType, false))
            .add("probabilities", DataTypes.createArrayType(DataTypes.DoubleType, false))
            .add("logits", DataTypes.createArrayType(DataTypes.FloatType, false))
            .add("error", DataTypes.StringType);

    /** embed's columns: the class token after the final LayerNorm. */
    public static final StructType EMBED_SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false))
            .add("error", DataTypes.StringType);

    private VitSpark() {}

    /** path, labels, probabilities (top k), logits and error of each image. */
    public static Dataset<Row> classify(Dataset<Row> images, String modelDir, Options options) {
        int top = options.top();
        return run(images, modelDir, Output.LOGITS, options, CLASSIFY_SCHEMA, (model, path, logits, error) -> {
            if (logits == null) {
                return RowFactory.create(path, null, null, null, error);
            }
            List<Prediction> best = model.top(logits, top);
            return RowFactory.create(path, best.stream().map(Prediction::label).toArray(String[]::new),
                    best.stream().map(Prediction::probability).toArray(Double[]::new), boxed(logits), null);
        });
    }

    /** path, embedding and error of each image. */
    public static Dataset<Row> embed(Dataset<Row> images, String modelDir, Options options) {
        return run(images, modelDir, Output.EMBEDDING, options, EMBED_SCHEMA,
                (model, path, embedding, error) -> RowFactory.create(path, embedding == null ? null : boxed(embedding), error));
    }

    private static Dataset<Row> run(Dataset<Row> images, String modelDir, Output output, Options options,
                                    StructType schema, PartitionInference.RowMaker rows) {
        return images.select("path", "content")
                .mapPartitions(new PartitionInference(modelDir, output, options, rows), Encoders.row(schema));
    }

    private static Float[] boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    public static void main(String[] args) {
        Job job;
        try {
            job = Job.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(Job.USAGE);
            System.exit(2);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("vectorvit " + job.task());
        if (System.getProperty("spark.master") == null) {
            builder.master("local[*]"); // run directly (spark/run.sh), not by spark-submit
        }
        SparkSession spark = builder.getOrCreate();
        try {
            long[] counts = job.run(spark);
            System.out.println("wrote " + counts[0] + " rows (" + counts[1] + " errors) to " + job.output());
        } finally {
            spark.stop();
        }
    }
}

package dev.vectorvit.spark;

import dev.vectorvit.io.Images;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/** The command line of {@link VitSpark#main}: images in, one Parquet file set out. */
record Job(String images, String modelDir, String output, String task, VitSpark.Options options) {
    static final String USAGE = "usage: VitSpark IMAGES MODEL_DIR OUTPUT.parquet [--task classify|embed] [--batch N] "
            + "[--top K] [--max-pixels N]\n  IMAGES: a folder (searched recursively for image suffixes) or a glob";

    static Job parse(String[] args) {
        if (args.length < 3) {
            throw new IllegalArgumentException("IMAGES, MODEL_DIR and OUTPUT are required");
        }
        String task = "classify";
        VitSpark.Options options = VitSpark.Options.defaults();
        for (int i = 3; i < args.length; i += 2) {
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--task" -> {
                    if (!List.of("classify", "embed").contains(value)) {
                        throw new IllegalArgumentException("--task is classify or embed, got " + value);
                    }
                    task = value;
                }
                case "--batch" -> options = options.withBatch(number(args[i], value));
                case "--top" -> options = options.withTop(number(args[i], value));
                case "--max-pixels" -> options = options.withMaxPixels(Long.parseLong(value));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        return new Job(args[0], args[1], args[2], task, options);
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got " + value);
        }
    }

    /** Reads the images, runs the task, writes the Parquet output; returns {rows, errors} as written. */
    long[] run(SparkSession spark) {
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(images);
        // Non-image files of a folder are left out, as vit classify skips them; a glob picks its own.
        Dataset<Row> pictures = files.filter(functions.udf((String path) -> Images.hasImageSuffix(path),
                DataTypes.BooleanType).apply(functions.col("path")));
        Dataset<Row> result = task.equals("embed") ? VitSpark.embed(pictures, modelDir, options)
                : VitSpark.classify(pictures, modelDir, options);
        result.write().parquet(output);
        Dataset<Row> written = spark.read().parquet(output);
        return new long[] {written.count(), written.filter(functions.col("error").isNotNull()).count()};
    }
}

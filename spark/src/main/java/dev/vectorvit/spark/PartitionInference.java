package dev.vectorvit.spark;

import dev.vectorvit.io.Images;
import dev.vectorvit.model.ImageBatch;
import dev.vectorvit.model.InferenceSession;
import dev.vectorvit.model.Output;
import dev.vectorvit.model.ViTModel;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;

/**
 * One task's share of a job: rows of Spark's binaryFile source ({@code path}, {@code content}) to result
 * rows, lazily, {@code batch} images per forward pass. The task runs the executor's shared model with a
 * session of its own whose thread team has the task's cores ({@code spark.task.cpus}); session and batch
 * buffers are off-heap and freed when the task ends. A file that cannot be decoded is an error row.
 */
final class PartitionInference implements MapPartitionsFunction<Row, Row> {
    /** The result row of an image: its output (logits or embedding) or, if it failed, the error. */
    interface RowMaker extends Serializable {
        Row row(ViTModel model, String path, float[] output, String error);
    }

    private final String modelDir;
    private final Output output;
    private final VitSpark.Options options;
    private final RowMaker rows;

    PartitionInference(String modelDir, Output output, VitSpark.Options options, RowMaker rows) {
        this.modelDir = modelDir;
        this.output = output;
        this.options = options;
        this.rows = rows;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) throws IOException {
        ViTModel model = ExecutorModels.get(modelDir);
        TaskContext task = TaskContext.get();
        InferenceSession session = model.newSession(task == null ? 1 : task.cpus());
        ImageBatch batch = new ImageBatch(model, model.preprocessing(), output, options.batch());
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) t -> {
                batch.close();
                session.close();
            });
        }
        return new Batches(input, model, session, batch);
    }

    /** The result rows, computed a batch at a time as Spark pulls them. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> input;
        private final ViTModel model;
        private final InferenceSession session;
        private final ImageBatch batch;
        private final List<Row> ready = new ArrayList<>();
        private int next;

        Batches(Iterator<Row> input, ViTModel model, InferenceSession session, ImageBatch batch) {
            this.input = input;
            this.model = model;
            this.session = session;
            this.batch = batch;
        }

        @Override
        public boolean hasNext() {
            if (next == ready.size() && input.hasNext()) {
                fill();
            }
            return next < ready.size();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.get(next++);
        }

        /** The next input rows, up to a full batch of images, through the model. */
        private void fill() {
            ready.clear();
            next = 0;
            batch.clear();
            List<String> paths = new ArrayList<>();
            List<Object> outcomes = new ArrayList<>(); // a slot (Integer) or an error (String)
            while (input.hasNext() && !batch.isFull()) {
                Row r = input.next();
                String path = r.getAs("path");
                paths.add(path);
                outcomes.add(decode(path, r.getAs("content")));
            }
            batch.run(session);
            for (int i = 0; i < paths.size(); i++) {
                ready.add(outcomes.get(i) instanceof Integer slot ? rows.row(model, paths.get(i), batch.row(slot), null)
                        : rows.row(model, paths.get(i), null, (String) outcomes.get(i)));
            }
        }

        /** The image's slot in the batch, or why it failed (without the path that messages start with). */
        private Object decode(String path, byte[] content) {
            try {
                return batch.add(Images.decode(content, path, options.maxPixels()));
            } catch (IOException | RuntimeException e) {
                String message = String.valueOf(e.getMessage());
                return message.startsWith(path + ": ") ? message.substring(path.length() + 2) : message;
            }
        }
    }
}

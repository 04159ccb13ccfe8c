package dev.vectorvit.cli;

import dev.vectorvit.io.Images;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The image files that command-line arguments name: a file as given (whatever its name), a folder's
 * files recursively in path order when their suffix is one ImageIO reads (jpg, jpeg, png, bmp, gif,
 * tif...), other files counted as skipped.
 */
record ImageFiles(List<Path> files, int skipped) {
    static ImageFiles of(List<Path> arguments) throws IOException {
        List<Path> files = new ArrayList<>();
        int[] skipped = {0};
        for (Path argument : arguments) {
            if (!Files.isDirectory(argument)) {
                files.add(argument); // a missing or unreadable file becomes that file's error record
                continue;
            }
            List<Path> found = new ArrayList<>();
            Files.walkFileTree(argument, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if ((attributes.isRegularFile() || Files.isRegularFile(file)) && Images.hasImageSuffix(file.getFileName().toString())) {
                        found.add(file);
                    } else {
                        skipped[0]++;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    found.add(file); // reading it fails the same way: one error record, not a failed run
                    return FileVisitResult.CONTINUE;
                }
            });
            found.sort(null);
            files.addAll(found);
        }
        return new ImageFiles(List.copyOf(files), skipped[0]);
    }
}

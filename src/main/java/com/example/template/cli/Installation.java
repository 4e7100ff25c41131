package com.example.template.cli;

import java.nio.file.Path;

/**
 * Where this process's files are.
 *
 * @param home the application home: {@code conf/} and relative config paths resolve against it
 * @param builtJar the jar the build writes ({@code target/app.jar}); the jar to copy for a child
 *     started now. Null when there is none (the classes run from folders, as under exec:java)
 * @param runningJar the jar this JVM runs from (the built jar or a copy of it), or null
 */
public record Installation(Path home, Path builtJar, Path runningJar) {
}

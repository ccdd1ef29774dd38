package dev.pypiwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar ({@code target/pypiwatch.jar}, built in the {@code package} phase before the
 * ITs) run as its own process, as an operator runs it: started with arguments, its stdout and
 * stderr kept in files for post-mortem, waited on by the lines it prints or by {@code /ready},
 * killed hard ({@code SIGKILL}) or stopped ({@code SIGTERM}).
 *
 * <pre>{@code
 * ServiceProcess p = ServiceProcess.start(Path.of("target/it/mytest"), "run-1",
 *     "run", "--config", config.toString());
 * Duration ready = p.awaitReady(Duration.ofMinutes(3));   // http.port: 0, read from the log
 * String bootstrap = p.bootstrapServers();               // kafka.embedded-port: 0, likewise
 * p.kill();                                              // kill -9
 * }</pre>
 *
 * <p>The ports come from what the service prints: the status server's from stdout ({@code run:
 * dashboard at http://HOST:PORT/}), the embedded broker's from its INFO log line on stderr
 * ({@code embedded Kafka broker at HOST:PORT}), so configs can use port 0 everywhere.
 */
public final class ServiceProcess implements AutoCloseable {
  /** The shaded jar the {@code package} phase builds. */
  public static final Path JAR = Path.of("target/pypiwatch.jar");
  private static final Pattern STATUS = Pattern.compile("run: dashboard at http://(\\S+):(\\d+)/");
  private static final Pattern BROKER = Pattern.compile("embedded Kafka broker at (\\S+) \\[data:");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path out;
  private final Path err;
  private final long startedNanos;

  private ServiceProcess(Process process, Path out, Path err, long startedNanos) {
    this.process = process;
    this.out = out;
    this.err = err;
    this.startedNanos = startedNanos;
  }

  /**
   * Starts {@code java -jar target/pypiwatch.jar ARGS...}; stdout and stderr go to {@code
   * NAME.out} and {@code NAME.err} in {@code logDir} (created; existing files are replaced).
   */
  public static ServiceProcess start(Path logDir, String name, String... args) {
    return start(logDir, name, List.of(), args);
  }

  /** {@link #start(Path, String, String...)} with JVM options before {@code -jar} (e.g. {@code -Xmx512m}). */
  public static ServiceProcess start(Path logDir, String name, List<String> jvmOptions, String... args) {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException("run after the package phase: " + JAR + " is missing");
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    try {
      Files.createDirectories(logDir);
      Path out = logDir.resolve(name + ".out");
      Path err = logDir.resolve(name + ".err");
      long started = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      return new ServiceProcess(p, out, err, started);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
  }

  /** {@link System#nanoTime()} just before the process was started. */
  public long startedNanos() {
    return startedNanos;
  }

  /** Time since the start. */
  public Duration uptime() {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything printed on stdout so far. */
  public String stdout() {
    return read(out);
  }

  /** Everything printed on stderr (the log) so far. */
  public String stderr() {
    return read(err);
  }

  /** Where stdout and stderr are kept. */
  public List<Path> logFiles() {
    return List.of(out, err);
  }

  /** How many times {@code text} occurs in stdout and stderr so far. */
  public int count(String text) {
    return occurrences(stdout(), text) + occurrences(stderr(), text);
  }

  /**
   * Waits until {@code pattern} matches stdout or stderr and returns the match; AssertionError
   * after {@code timeout} or if the process exits first (with the end of its output).
   */
  public Matcher awaitLine(Pattern pattern, Duration timeout) {
    Matcher[] found = new Matcher[1];
    Await.until(() -> {
      for (String text : List.of(stdout(), stderr())) {
        Matcher m = pattern.matcher(text);
        if (m.find()) {
          found[0] = m;
          return true;
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("exited (" + process.exitValue() + ") before printing /" + pattern + "/: " + tail());
      }
      return false;
    }, timeout, () -> "no line /" + pattern + "/: " + tail());
    return found[0];
  }

  /** The status server's port, once printed (0 while not yet). */
  public int statusPort() {
    Matcher m = STATUS.matcher(stdout());
    return m.find() ? Integer.parseInt(m.group(2)) : 0;
  }

  /** {@code http://HOST:PORT} of the status server; waits up to {@code timeout} for it to be printed. */
  public String statusUrl(Duration timeout) {
    Matcher m = awaitLine(STATUS, timeout);
    return "http://" + m.group(1) + ":" + m.group(2);
  }

  /** The embedded broker's {@code bootstrap.servers}, from the log (waits up to {@link Await#DEFAULT}). */
  public String bootstrapServers() {
    return awaitLine(BROKER, Await.DEFAULT).group(1);
  }

  /** True if the status server is up and {@code GET /ready} answers 200 now. */
  public boolean isReady() {
    int port = statusPort();
    if (port == 0 || !process.isAlive()) {
      return false;
    }
    try {
      HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits until {@code /ready} answers 200; returns the time from the start to then. */
  public Duration awaitReady(Duration timeout) {
    Await.until(() -> {
      if (!process.isAlive()) {
        throw new AssertionError("exited (" + process.exitValue() + ") before /ready: " + tail());
      }
      return isReady();
    }, timeout, () -> "not ready: " + tail());
    return uptime();
  }

  /** {@code POST path} to the status server (e.g. {@code /poll}); returns the status code. */
  public int post(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(statusUrl(Await.DEFAULT) + path))
          .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** {@code kill -9}: SIGKILL, no shutdown hook runs; returns once the process is gone. */
  public void kill() {
    process.destroyForcibly();
    waitFor(Await.DEFAULT);
  }

  /** SIGTERM (shutdown hooks run); waits up to {@code timeout} and returns the exit code. */
  public int stop(Duration timeout) {
    process.destroy();
    waitFor(timeout);
    return process.exitValue();
  }

  /** The last 4,000 characters of stderr and stdout, for failure messages. */
  public String tail() {
    String text = stderr() + "\n--- stdout ---\n" + stdout();
    return (text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text) + "\n(logs: " + out + ", "
        + err + ")";
  }

  /** Kills the process if it is still running (a test that failed half-way). */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private void waitFor(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("pid " + process.pid() + " still running after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }

  private static String read(Path file) {
    try {
      // Bytes, not readString: the process may be half-way through writing a character.
      return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

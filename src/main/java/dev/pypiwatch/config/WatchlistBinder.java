package dev.pypiwatch.config;

import dev.pypiwatch.events.PackageName;
import dev.pypiwatch.rules.RuleSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Binds {@code watchlist:} and the list in {@code watchlist-file:} into one {@link Watchlist}:
 * config entries first, then the file's, each normalized name once.
 */
final class WatchlistBinder {
  static final String KEY = "watchlist";
  static final String FILE_KEY = "watchlist-file";

  private static final ValueType<String> PACKAGE_NAME =
      new ValueType<>("a package name", s -> {
        if (!PackageName.isValid(s)) {
          throw new IllegalArgumentException(PackageName.describeInvalid(s));
        }
        return s;
      });
  private static final ValueType<String> FILE_NAME =
      new ValueType<>("a file name", s -> {
        if (s.isBlank()) {
          throw new IllegalArgumentException("expected a file name, got an empty string");
        }
        return s;
      });

  /** An entry with the key path it was bound from, for the duplicate check's message. */
  private record Entry(WatchedPackage pkg, String keyPath, BindContext ctx) {}

  private WatchlistBinder() {}

  /** Reads both keys from the top-level mapping; an entry's {@code rules:} overrides take {@code rules} as defaults. */
  static Watchlist bind(MappingReader root, RuleSettings rules) {
    List<Entry> entries = new ArrayList<>();
    root.node(KEY).ifPresent(list -> bindList(list, KEY, root.context(), rules, entries));
    root.optional(FILE_KEY, FILE_NAME)
        .ifPresent(name -> bindFile(root, name, rules, entries));
    return new Watchlist(withoutDuplicates(entries));
  }

  private static void bindFile(
      MappingReader root, String name, RuleSettings rules, List<Entry> entries) {
    BindContext ctx = root.context();
    // Relative to the config file, not the working directory, so the pair can move together.
    Path file = ctx.file.resolveSibling(name);
    String text;
    try {
      text = YamlDocuments.read(file);
    } catch (YamlDocuments.ReadFailure e) {
      root.error(FILE_KEY, e.getMessage());
      return;
    }
    BindContext fileCtx = ctx.forFile(file);
    YamlDocuments.Document doc = YamlDocuments.compose(text, fileCtx);
    if (!doc.isEmpty() && !doc.failed()) {
      bindList(doc.root(), FILE_KEY, fileCtx, rules, entries);
    }
  }

  private static void bindList(
      Node list, String path, BindContext ctx, RuleSettings rules, List<Entry> out) {
    if (!(list instanceof SequenceNode sequence)) {
      ctx.error(list, path, "expected a list of package names, got " + BindContext.describe(list));
      return;
    }
    List<Node> items = sequence.getValue();
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + "[" + i + "]";
      bindEntry(items.get(i), itemPath, ctx, rules)
          .ifPresent(p -> out.add(new Entry(p, itemPath, ctx)));
    }
  }

  private static Optional<WatchedPackage> bindEntry(
      Node item, String path, BindContext ctx, RuleSettings rules) {
    if (item instanceof MappingNode) {
      // The mapping form carries per-package settings: the rule overrides.
      MappingReader m = new MappingReader(item, path, "in " + path, ctx);
      Optional<WatchedPackage> result = Optional.empty();
      if (!m.has("name")) {
        ctx.error(item, path, "missing key 'name': expected the package name");
      } else {
        Node nameNode = m.node("name").orElse(null);
        result = m.optional("name", PACKAGE_NAME)
            .map(n -> WatchedPackage.of(n, ctx.location(nameNode)));
      }
      if (m.has(RulesSection.KEY)) {
        RulesSection.Bound own = m.section(RulesSection.KEY, r -> RulesSection.bind(r, rules));
        result = result.map(p -> p.withRules(own.settings(), own.sensitivity()));
      }
      m.finish();
      return result;
    }
    if (item instanceof ScalarNode) {
      return ctx.scalar(item, path, PACKAGE_NAME, false)
          .map(n -> WatchedPackage.of(n, ctx.location(item)));
    }
    ctx.error(item, path, "expected a package name or a mapping with 'name', got "
        + BindContext.describe(item));
    return Optional.empty();
  }

  private static List<WatchedPackage> withoutDuplicates(List<Entry> entries) {
    Map<String, Entry> first = new HashMap<>();
    List<WatchedPackage> result = new ArrayList<>();
    for (Entry e : entries) {
      Entry earlier = first.putIfAbsent(e.pkg().name(), e);
      if (earlier == null) {
        result.add(e.pkg());
        continue;
      }
      ConfigLocation was = earlier.pkg().location();
      ConfigLocation is = e.pkg().location();
      String earlierAt = was.file().equals(is.file()) ? "line " + was.line() : was.toString();
      e.ctx().problems.add(is, e.keyPath(), "duplicate package '" + e.pkg().name() + "': '"
          + e.pkg().declaredName() + "' (line " + is.line() + ") and '"
          + earlier.pkg().declaredName() + "' (" + earlierAt + ") are the same package after "
          + "normalization (PEP 503)");
    }
    return result;
  }
}

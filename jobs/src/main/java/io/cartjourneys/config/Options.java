package io.cartjourneys.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of every setting, built once by reflection over the public fields of {@link
 * JobConfig} and its sections, in declaration order. A field without {@link Doc} fails the class's
 * initialisation, so an undocumented setting cannot ship.
 *
 * <p>NOTE: the JVM specification does not promise that reflection lists fields in declaration
 * order; HotSpot does. Another order would show as a change of the generated reference pages.
 */
public final class Options {
  /** A group of settings, such as {@code journey}. */
  public record Section(String name, String description, List<Option> options) {}

  private static final Map<String, Option> BY_KEY = new LinkedHashMap<>();
  private static final List<Section> SECTIONS = new ArrayList<>();

  static {
    JobConfig defaults = new JobConfig();
    for (Field s : JobConfig.class.getDeclaredFields()) {
      if (Modifier.isStatic(s.getModifiers()) || !Modifier.isPublic(s.getModifiers())) {
        continue;
      }
      Doc sectionDoc = s.getAnnotation(Doc.class);
      if (sectionDoc == null) {
        throw new IllegalStateException("section " + s.getName() + " has no @Doc description");
      }
      List<Option> options = new ArrayList<>();
      Object sectionDefaults = read(s, defaults);
      for (Field f : s.getType().getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || !Modifier.isPublic(f.getModifiers())) {
          continue;
        }
        Option o = new Option(s, f, read(f, sectionDefaults));
        options.add(o);
        BY_KEY.put(o.key(), o);
      }
      SECTIONS.add(
          new Section(Option.kebab(s.getName()), sectionDoc.value(), List.copyOf(options)));
    }
  }

  private Options() {}

  public static Collection<Option> all() {
    return Collections.unmodifiableCollection(BY_KEY.values());
  }

  public static List<Section> sections() {
    return Collections.unmodifiableList(SECTIONS);
  }

  /** Finds the setting with this dotted key, or returns null. */
  public static Option find(String key) {
    return BY_KEY.get(key);
  }

  /** Adds one problem per setting whose value breaks its documented range. */
  public static void check(JobConfig config, List<String> problems) {
    for (Option o : BY_KEY.values()) {
      String problem = o.check(o.get(config));
      if (problem != null) {
        problems.add(problem);
      }
    }
  }

  /**
   * Suggests the known key closest to a mistyped one, or null when none is close: a key within a
   * small edit distance, else the one setting whose own name matches a key given without its
   * section.
   */
  public static String suggest(String unknown) {
    return closest(unknown, BY_KEY.keySet());
  }

  static String closest(String unknown, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : candidates) {
      int d = distance(unknown, k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    if (best != null && bestDistance <= Math.max(2, unknown.length() / 4)) {
      return best;
    }
    String tail = unknown.substring(unknown.lastIndexOf('.') + 1).replace('_', '-');
    String match = null;
    for (String k : candidates) {
      if (k.substring(k.lastIndexOf('.') + 1).equalsIgnoreCase(tail)) {
        if (match != null) {
          return null; // ambiguous
        }
        match = k;
      }
    }
    return match;
  }

  /** Levenshtein distance. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static Object read(Field f, Object target) {
    try {
      return f.get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + f, e);
    }
  }
}

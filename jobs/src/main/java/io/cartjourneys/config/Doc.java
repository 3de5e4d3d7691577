package io.cartjourneys.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes one setting (or one section) of {@link JobConfig}. The options registry, the start-up
 * validation, the generated configuration reference and the example YAML file all read it, so the
 * description and the allowed range are written only here.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Doc {
  /** What the setting controls, as one or two sentences. */
  String value();

  /** The unit of a number, such as {@code records} or {@code percent}; durations need none. */
  String unit() default "";

  /** Inclusive lower bound in the setting's own syntax ({@code 1s}, {@code 0}); empty: none. */
  String min() default "";

  /** Inclusive upper bound in the setting's own syntax; empty: none. */
  String max() default "";

  /** The only values a text setting may take; empty: any non-blank text. */
  String[] allowed() default {};

  /** True when the setting may be left unset (null); text settings are otherwise required. */
  boolean optional() default false;

  /** True when values may hold credentials: logs show the keys of such a map, never values. */
  boolean sensitive() default false;
}

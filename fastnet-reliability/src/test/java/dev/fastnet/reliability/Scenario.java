package dev.fastnet.reliability;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test method as one scenario of the reliability plan. The method may take a
 * {@link ScenarioFigures} parameter; what it records there is written, with the test's
 * outcome, as one JSON line of {@code target/reliability/results.jsonl}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Test
@ExtendWith(ScenarioExtension.class)
public @interface Scenario {

	/**
	 * The scenario's id in the reliability plan, for example {@code S01}.
	 * @return the id
	 */
	String id();

	/**
	 * The promise the scenario proves, in one sentence.
	 * @return the promise
	 */
	String promise();

	/**
	 * The tier: {@code A} runs in the test command, {@code B} only with
	 * {@code -Preliability-long}.
	 * @return the tier
	 */
	String tier() default "A";

}

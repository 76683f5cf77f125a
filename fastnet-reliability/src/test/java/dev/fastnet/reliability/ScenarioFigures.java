package dev.fastnet.reliability;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures one scenario reports, in the order they were recorded. Values are numbers,
 * booleans or strings.
 */
public final class ScenarioFigures {

	private final Map<String, Object> figures = new LinkedHashMap<>();

	/**
	 * Record a figure, replacing an earlier one of the same name.
	 * @param name the figure's name, for example {@code closedWithin50ms}
	 * @param value a number, boolean or string
	 * @return this
	 */
	public ScenarioFigures put(String name, Object value) {
		if (!(value instanceof Number || value instanceof Boolean || value instanceof CharSequence)) {
			throw new IllegalArgumentException("Figure " + name + " must be a number, boolean or string: " + value);
		}
		this.figures.put(name, value);
		return this;
	}

	Map<String, Object> asMap() {
		return this.figures;
	}

}

package dev.fastnet.client;

/**
 * How a client spreads calls over its healthy endpoints.
 *
 * @since 0.1.0
 */
public enum Balancing {

	/** Each endpoint in turn. */
	ROUND_ROBIN,

	/**
	 * Of two endpoints picked at random, the one with fewer requests in flight ("power of
	 * two choices").
	 */
	LEAST_OUTSTANDING

}

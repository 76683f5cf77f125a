package dev.fastnet.transport;

/**
 * Names of the handlers fastnet puts in a channel pipeline, for customizers that add
 * their own handlers before or after them.
 *
 * @since 0.1.0
 */
public final class FastnetPipeline {

	/** TLS: the connection's {@code SslHandler}, first in the pipeline. */
	public static final String TLS = "fastnet.tls";

	/** Closes and counts the connections whose TLS handshake failed (server). */
	public static final String TLS_HANDSHAKE = "fastnet.tlsHandshake";

	/** Closes connections without traffic. */
	public static final String IDLE = "fastnet.idle";

	/** HTTP codec of a WebSocket listener's upgrade request. */
	public static final String HTTP_CODEC = "fastnet.httpCodec";

	/** Aggregates a WebSocket listener's upgrade request. */
	public static final String HTTP_AGGREGATOR = "fastnet.httpAggregator";

	/** Netty's WebSocket protocol handler: upgrade, ping, pong and close. */
	public static final String WEBSOCKET = "fastnet.websocket";

	/** Joins the fragments of a WebSocket message. */
	public static final String WEBSOCKET_AGGREGATOR = "fastnet.websocketAggregator";

	/** Carries one fastnet frame per binary WebSocket message. */
	public static final String WEBSOCKET_FRAMES = "fastnet.websocketFrames";

	/** Takes the datagrams of a UDP listener to the sessions of their senders. */
	public static final String DATAGRAM = "fastnet.datagram";

	/** Decodes frames. */
	public static final String FRAME_DECODER = "fastnet.frameDecoder";

	/** Encodes frames. */
	public static final String FRAME_ENCODER = "fastnet.frameEncoder";

	/** Dispatches requests (server) or completes them (client). */
	public static final String HANDLER = "fastnet.handler";

	/** Closes accepted connections beyond the server's limit. */
	public static final String CONNECTION_LIMIT = "fastnet.connectionLimit";

	private FastnetPipeline() {
	}

}

package dev.fastnet.framing;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import org.jspecify.annotations.Nullable;

/**
 * What the decoder and the encoder of one connection of a compatibility framing share:
 * the header bytes answers repeat, and the ids of a framing without them. Event loop
 * only.
 */
final class WireState {

	final Framing framing;

	final int maxFrameSize;

	final Framing.Counters counters;

	// Header bytes of requests in flight, by id, for framings whose header has more than
	// a length and an id
	private @Nullable IntObjectMap<byte[]> echoes;

	// Ids of requests written by a client whose framing has none, in the order answers
	// come
	final IntQueue sentIds = new IntQueue();

	private int sequence;

	WireState(Framing framing, int maxFrameSize, Framing.Counters counters) {
		this.framing = framing;
		this.maxFrameSize = maxFrameSize;
		this.counters = counters;
	}

	/**
	 * Return the id a request is dispatched with: its own, or the next of a sequence that
	 * tells uncorrelated requests apart.
	 */
	int requestId(Framing.Message message) {
		int id = this.framing.isCorrelated() ? message.id() : ++this.sequence;
		if (message.echo() != null) {
			if (this.echoes == null) {
				this.echoes = new IntObjectHashMap<>();
			}
			this.echoes.put(id, message.echo());
		}
		return id;
	}

	byte @Nullable [] takeEcho(int id) {
		return (this.echoes != null) ? this.echoes.remove(id) : null;
	}

}

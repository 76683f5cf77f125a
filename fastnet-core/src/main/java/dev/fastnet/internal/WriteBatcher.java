package dev.fastnet.internal;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Writes frames on a connection's event loop and flushes them in batches: writes made
 * while the connection is reading are flushed once when the read completes, and writes
 * queued from other threads meanwhile share one flush task. One per connection; event
 * loop only.
 */
public final class WriteBatcher {

	private final ChannelHandlerContext ctx;

	private final Runnable flushTask = this::flushNow;

	private boolean reading;

	private boolean flushNeeded;

	private boolean flushScheduled;

	/**
	 * Create a batcher for a connection.
	 * @param ctx the context whose handler writes
	 */
	public WriteBatcher(ChannelHandlerContext ctx) {
		this.ctx = ctx;
	}

	/**
	 * Write a message; it is flushed at the end of the current read, or by a flush task
	 * that runs after the writes already queued on the event loop.
	 * @param msg the message; ownership passes to the pipeline
	 * @param promise the write's promise
	 */
	public void write(Object msg, ChannelPromise promise) {
		this.ctx.write(msg, promise);
		if (this.reading) {
			this.flushNeeded = true;
		}
		else if (!this.flushScheduled) {
			this.flushScheduled = true;
			this.ctx.executor().execute(this.flushTask);
		}
	}

	/**
	 * The connection is reading: hold flushes until {@link #readComplete()}.
	 */
	public void reading() {
		this.reading = true;
	}

	/**
	 * The read completed: flush what it wrote.
	 */
	public void readComplete() {
		this.reading = false;
		if (this.flushNeeded) {
			this.flushNeeded = false;
			this.ctx.flush();
		}
	}

	private void flushNow() {
		this.flushScheduled = false;
		this.ctx.flush();
	}

}

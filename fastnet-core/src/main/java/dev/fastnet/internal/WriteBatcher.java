package dev.fastnet.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.jspecify.annotations.Nullable;

/**
 * Writes frames on a connection's event loop and flushes them in batches: writes made
 * while the connection is reading are flushed once when the read completes, and writes
 * queued from other threads meanwhile share one flush task. Small messages may also be
 * gathered into one buffer ({@link #gatherBuffer(int)}), written as one message at the
 * next flush: one allocation and one outbound entry per batch instead of per message. One
 * per connection; event loop only.
 */
public final class WriteBatcher {

	/** Room a new gathering buffer starts with: the small messages of a busy turn. */
	private static final int GATHER_CAPACITY = 16 * 1024;

	private final ChannelHandlerContext ctx;

	private final Runnable flushTask = this::flushNow;

	private boolean reading;

	private boolean flushNeeded;

	private boolean flushScheduled;

	private @Nullable ByteBuf gathered;

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
		// Gathered messages were made first: they go first
		writeGathered();
		this.ctx.write(msg, promise);
		flushLater();
	}

	/**
	 * Return the buffer that gathers small messages, with room for at least {@code bytes}
	 * more; append a message to it, then call {@link #gathered()}. The buffer stays owned
	 * by the batcher.
	 * @param bytes the room the message needs
	 * @return the buffer to append to
	 */
	public ByteBuf gatherBuffer(int bytes) {
		ByteBuf gathered = this.gathered;
		if (gathered != null && gathered.writableBytes() < bytes) {
			// Full: written as it is, the next messages start a new one
			writeGathered();
			gathered = null;
		}
		if (gathered == null) {
			gathered = this.ctx.alloc().directBuffer(Math.max(bytes, GATHER_CAPACITY));
			this.gathered = gathered;
		}
		return gathered;
	}

	/**
	 * A message was appended to the gathering buffer: flush it as {@link #write} would.
	 */
	public void gathered() {
		flushLater();
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
			writeGathered();
			this.ctx.flush();
		}
	}

	/**
	 * Release what was gathered and not written yet: the connection is gone.
	 */
	public void discard() {
		ByteBuf gathered = this.gathered;
		if (gathered != null) {
			this.gathered = null;
			gathered.release();
		}
	}

	private void flushLater() {
		if (this.reading) {
			this.flushNeeded = true;
		}
		else if (!this.flushScheduled) {
			this.flushScheduled = true;
			this.ctx.executor().execute(this.flushTask);
		}
	}

	private void writeGathered() {
		ByteBuf gathered = this.gathered;
		if (gathered != null) {
			this.gathered = null;
			if (gathered.isReadable()) {
				this.ctx.write(gathered, this.ctx.voidPromise());
			}
			else {
				gathered.release();
			}
		}
	}

	private void flushNow() {
		this.flushScheduled = false;
		writeGathered();
		this.ctx.flush();
	}

}

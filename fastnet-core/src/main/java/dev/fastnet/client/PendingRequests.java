package dev.fastnet.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * The requests written on one connection and not answered yet: their ids, the correlation
 * of answers to them, and their deadlines. Event loop of the connection only.
 */
final class PendingRequests {

	/** Ids of timed-out requests remembered to tell late answers from unknown ones. */
	private static final int MAX_EXPIRED_IDS = 4096;

	/** Golden-ratio multiplier that spreads consecutive ids over the pending map. */
	private static final int ID_SCRAMBLE = 0x9E3779B9;

	private final ClientConnection connection;

	private final IntObjectHashMap<RequestCall<?>> pending = new IntObjectHashMap<>();

	private final IntObjectHashMap<Boolean> expired = new IntObjectHashMap<>();

	private final ArrayDeque<Integer> expiredOrder = new ArrayDeque<>();

	/**
	 * Requests whose timeouts run out in the order they were written, watched by one
	 * timer: cheaper than a timer per request, which costs two priority-queue updates
	 * each.
	 */
	private final ArrayDeque<RequestCall<?>> deadlines = new ArrayDeque<>();

	private long lastQueuedDeadline;

	private @Nullable ScheduledFuture<?> deadlineSweep;

	private long sweepAtNanos;

	private int lastId;

	PendingRequests(ClientConnection connection) {
		this.connection = connection;
	}

	boolean isEmpty() {
		return this.pending.isEmpty();
	}

	/**
	 * Register a request about to be written and return its id.
	 */
	int register(RequestCall<?> call) {
		// Ids follow a counter scrambled by an odd multiplier (a bijection on int):
		// sequential
		// ids would sit in one long probe run of the open-addressing map, and every
		// removal would
		// walk it
		int sequence = this.lastId;
		int id;
		do {
			sequence++;
			id = sequence * ID_SCRAMBLE;
		}
		// Timed-out ids are rare: their map is looked at only when it holds any
		while (id == 0 || this.pending.containsKey(id) || (!this.expired.isEmpty() && this.expired.containsKey(id)));
		this.lastId = sequence;
		this.pending.put(id, call);
		return id;
	}

	/**
	 * Take the request an answer is for.
	 * @return the request, or {@code null} when none waits for that id
	 */
	@Nullable RequestCall<?> remove(int id) {
		return this.pending.remove(id);
	}

	/**
	 * Return whether an id without a request belonged to one that timed out, and forget
	 * it.
	 */
	boolean forgetExpired(int id) {
		return this.expired.remove(id) != null;
	}

	/**
	 * Watch a written request's deadline with the single timer.
	 * @return {@code false} when the deadline comes before one already queued: the
	 * request then needs a timer of its own
	 */
	boolean queueTimeout(RequestCall<?> call) {
		long deadline = call.deadlineNanos;
		if (!this.deadlines.isEmpty() && deadline - this.lastQueuedDeadline < 0) {
			return false;
		}
		this.lastQueuedDeadline = deadline;
		this.deadlines.addLast(call);
		ScheduledFuture<?> sweep = this.deadlineSweep;
		if (sweep == null) {
			scheduleDeadlineSweep(deadline);
		}
		else if (deadline - this.sweepAtNanos < 0) {
			// The sweep was set for requests answered since, later than this one's
			// deadline
			sweep.cancel(false);
			scheduleDeadlineSweep(deadline);
		}
		return true;
	}

	private void scheduleDeadlineSweep(long deadline) {
		this.sweepAtNanos = deadline;
		this.deadlineSweep = this.connection.executor()
			.schedule(this::sweepDeadlines, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	private void sweepDeadlines() {
		this.deadlineSweep = null;
		long now = System.nanoTime();
		RequestCall<?> head;
		while ((head = this.deadlines.peekFirst()) != null) {
			if (head.awaitsAnswerOn(this.connection)) {
				if (head.deadlineNanos - now > 0) {
					scheduleDeadlineSweep(head.deadlineNanos);
					return;
				}
				this.deadlines.pollFirst();
				head.timedOut();
			}
			else {
				this.deadlines.pollFirst();
			}
		}
	}

	/**
	 * Drop answered requests from the deadline queue: those at its head at once, the
	 * others when they pile up behind a slow one.
	 */
	void trimDeadlines() {
		RequestCall<?> head;
		while ((head = this.deadlines.peekFirst()) != null && !head.awaitsAnswerOn(this.connection)) {
			this.deadlines.pollFirst();
		}
		if (this.deadlines.size() > 2 * this.pending.size() + 64) {
			this.deadlines.removeIf((call) -> !call.awaitsAnswerOn(this.connection));
		}
	}

	/**
	 * Forget a request that timed out, remembering its id to recognise a late answer.
	 * @return {@code true} when the request was still pending
	 */
	boolean expire(int id, RequestCall<?> call) {
		if (this.pending.get(id) != call) {
			return false;
		}
		this.pending.remove(id);
		if (this.expiredOrder.size() >= MAX_EXPIRED_IDS) {
			this.expired.remove(this.expiredOrder.poll().intValue());
		}
		this.expired.put(id, Boolean.TRUE);
		this.expiredOrder.add(id);
		return true;
	}

	/**
	 * Stop watching deadlines and hand over every request still pending; the connection
	 * ended.
	 */
	List<RequestCall<?>> clear() {
		ScheduledFuture<?> sweep = this.deadlineSweep;
		if (sweep != null) {
			sweep.cancel(false);
			this.deadlineSweep = null;
		}
		this.deadlines.clear();
		List<RequestCall<?>> requests = new ArrayList<>(this.pending.values());
		this.pending.clear();
		return requests;
	}

}

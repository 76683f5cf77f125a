package dev.fastnet.client;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;

/**
 * The server answered a request with an ERROR frame. Carries the server's status and
 * message.
 *
 * @since 0.1.0
 */
public class FastnetRemoteException extends FastnetException {

	private static final long serialVersionUID = 1L;

	private final int remoteStatus;

	/**
	 * Create an exception for an ERROR answer.
	 * @param status the status the server sent, 0-65535
	 * @param message the message the server sent
	 */
	public FastnetRemoteException(int status, String message) {
		// A status outside the protocol's ranges is still reported as sent, via status()
		super(isKnown(status) ? status : Status.INTERNAL.code(), message, null, false);
		this.remoteStatus = status;
	}

	private static boolean isKnown(int status) {
		return Status.of(status) != null || Status.isApplication(status);
	}

	/**
	 * Return the status the server sent.
	 * @return the status, 0-65535
	 */
	@Override
	public int status() {
		return this.remoteStatus;
	}

	/**
	 * Return whether a handler that lets this failure through answers with its status:
	 * only for application statuses, which mean the same to every caller. Protocol
	 * statuses belong to the server that sent them.
	 * @return whether the status is an application status
	 */
	@Override
	public boolean answersWithStatus() {
		return dev.fastnet.Status.isApplication(status());
	}

}

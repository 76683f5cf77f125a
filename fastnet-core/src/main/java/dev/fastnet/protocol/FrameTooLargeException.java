package dev.fastnet.protocol;

import dev.fastnet.Status;

/**
 * A frame's length field exceeds the receiver's maximum frame size.
 *
 * @since 0.1.0
 */
public class FrameTooLargeException extends ProtocolException {

	private static final long serialVersionUID = 1L;

	private final int id;

	private final boolean idKnown;

	/**
	 * Create an exception.
	 * @param length the length read
	 * @param maxFrameSize the maximum
	 * @param id the frame's correlation id when {@code idKnown}
	 * @param idKnown whether the frame is a REQUEST whose id was read, and so gets an
	 * ERROR 413
	 */
	public FrameTooLargeException(long length, int maxFrameSize, int id, boolean idKnown) {
		super(ProtocolViolation.FRAME_TOO_LARGE, Status.FRAME_TOO_LARGE,
				"Frame length " + length + " exceeds maximum " + maxFrameSize);
		this.id = id;
		this.idKnown = idKnown;
	}

	/**
	 * Return the offending frame's id.
	 * @return the id, meaningful only when {@link #isIdKnown()}
	 */
	public int id() {
		return this.id;
	}

	/**
	 * Return whether the offending frame is a REQUEST whose id was read: only such a
	 * frame is answered with ERROR 413 before the connection closes.
	 * @return whether {@link #id()} is meaningful
	 */
	public boolean isIdKnown() {
		return this.idKnown;
	}

}

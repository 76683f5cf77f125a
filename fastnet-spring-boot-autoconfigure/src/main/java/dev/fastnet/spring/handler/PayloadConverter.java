package dev.fastnet.spring.handler;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;

/**
 * Reads handler parameters from payloads and writes return values to payloads, for types
 * that are not raw bytes or text. The auto-configured one uses the application's JSON
 * mapper.
 *
 * @since 0.1.0
 */
public interface PayloadConverter {

	/**
	 * Read a payload.
	 * @param payload the bytes
	 * @param type the target type
	 * @return the value
	 * @throws PayloadConversionException when the bytes do not represent the type; its
	 * message is logged at debug level and never sent to the peer
	 */
	@Nullable Object read(byte[] payload, Type type);

	/**
	 * Write a value.
	 * @param value the value
	 * @return the bytes
	 */
	byte[] write(Object value);

	/**
	 * A payload could not be read into the requested type.
	 */
	class PayloadConversionException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		/**
		 * Create an exception.
		 * @param message the message
		 * @param cause the cause
		 */
		public PayloadConversionException(String message, @Nullable Throwable cause) {
			super(message, cause);
		}

	}

}

package dev.fastnet.framing;

import java.nio.ByteOrder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LengthFieldFraming}'s encoding without an echoed header, as a client
 * sends requests.
 */
class LengthFieldFramingTests {

	@ParameterizedTest
	@CsvSource({ "1, BIG_ENDIAN, 0, 10", "2, LITTLE_ENDIAN, 1, 10", "4, BIG_ENDIAN, 2, 1024",
			"8, LITTLE_ENDIAN, 4, 1025", "4, LITTLE_ENDIAN, 4, 4000" })
	void encodedFrameDecodesToTheSameIdAndPayload(int lengthFieldSize, String order, int idSize, int payloadSize) {
		LengthFieldFraming.Builder builder = LengthFieldFraming.builder()
			.lengthFieldOffset(1)
			.lengthFieldSize(lengthFieldSize)
			.byteOrder(ByteOrder.BIG_ENDIAN.toString().equals(order) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
		if (idSize > 0) {
			builder.correlationId(1 + lengthFieldSize, idSize);
		}
		LengthFieldFraming framing = builder.build();
		byte[] bytes = new byte[payloadSize];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) i;
		}
		int id = (idSize == 0) ? 0 : (int) (0x01020304L & ((1L << (8 * idSize)) - 1));
		ByteBuf encoded = framing.encode(UnpooledByteBufAllocator.DEFAULT, id, null, Unpooled.wrappedBuffer(bytes));
		int length = encoded.readableBytes();
		Framing.Message message = framing.decode(encoded, 1 << 20);
		assertThat(message).isNotNull();
		assertThat(message.length()).isEqualTo(length);
		assertThat(message.id()).isEqualTo(id);
		byte[] decoded = new byte[message.payload().readableBytes()];
		message.payload().readBytes(decoded);
		assertThat(decoded).isEqualTo(bytes);
		assertThat(encoded.isReadable()).isFalse();
		message.payload().release();
		encoded.release();
		assertThat(encoded.refCnt()).isZero();
	}

}

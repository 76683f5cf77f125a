package dev.fastnet.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WriteBatcher}.
 */
class WriteBatcherTests {

	@Test
	void gatheredMessagesLeaveAsOneBufferInOrderWithOtherWrites() {
		Capture capture = new Capture();
		EmbeddedChannel channel = new EmbeddedChannel(capture);
		WriteBatcher writer = new WriteBatcher(capture.ctx);
		writer.reading();
		gather(writer, "a");
		gather(writer, "b");
		writer.write(Unpooled.copiedBuffer("c", StandardCharsets.US_ASCII), channel.voidPromise());
		gather(writer, "d");
		assertThat(channel.<Object>readOutbound()).as("nothing flushed while reading").isNull();
		writer.readComplete();
		assertThat(readAll(channel)).containsExactly("ab", "c", "d");
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void fullGatheringBufferIsWrittenAndANewOneStarted() {
		Capture capture = new Capture();
		EmbeddedChannel channel = new EmbeddedChannel(capture);
		WriteBatcher writer = new WriteBatcher(capture.ctx);
		writer.reading();
		ByteBuf first = writer.gatherBuffer(10);
		first.writeZero(first.writableBytes() - 1);
		writer.gathered();
		ByteBuf second = writer.gatherBuffer(2);
		assertThat(second).isNotSameAs(first);
		second.writeByte('x');
		writer.gathered();
		writer.readComplete();
		List<String> written = readAll(channel);
		assertThat(written).hasSize(2);
		assertThat(written.get(1)).isEqualTo("x");
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void gatheredOutsideAReadIsFlushedByTheLoop() {
		Capture capture = new Capture();
		EmbeddedChannel channel = new EmbeddedChannel(capture);
		WriteBatcher writer = new WriteBatcher(capture.ctx);
		gather(writer, "late");
		channel.runPendingTasks();
		assertThat(readAll(channel)).containsExactly("late");
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void discardReleasesWhatWasNotWritten() {
		Capture capture = new Capture();
		EmbeddedChannel channel = new EmbeddedChannel(capture);
		WriteBatcher writer = new WriteBatcher(capture.ctx);
		writer.reading();
		ByteBuf gathered = writer.gatherBuffer(4);
		gathered.writeByte('z');
		writer.gathered();
		writer.discard();
		assertThat(gathered.refCnt()).isZero();
		writer.readComplete();
		assertThat(channel.<Object>readOutbound()).isNull();
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	private static void gather(WriteBatcher writer, String text) {
		ByteBuf out = writer.gatherBuffer(text.length());
		out.writeCharSequence(text, StandardCharsets.US_ASCII);
		writer.gathered();
	}

	private static List<String> readAll(EmbeddedChannel channel) {
		List<String> written = new ArrayList<>();
		ByteBuf buffer;
		while ((buffer = channel.readOutbound()) != null) {
			written.add(buffer.toString(StandardCharsets.US_ASCII));
			buffer.release();
		}
		return written;
	}

	private static final class Capture extends ChannelInboundHandlerAdapter {

		ChannelHandlerContext ctx;

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			this.ctx = ctx;
		}

	}

}

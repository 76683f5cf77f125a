package dev.fastnet.client;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

import dev.fastnet.framing.Framing;
import dev.fastnet.protocol.FrameDecoder;
import dev.fastnet.protocol.FrameEncoder;
import dev.fastnet.transport.FastnetPipeline;
import dev.fastnet.transport.TlsConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandler;
import org.jspecify.annotations.Nullable;

/**
 * Builds the pipeline of one client connection: TLS when configured, the frame decoder
 * and encoder of fastnet or of the client's framing, and the connection's handler.
 */
final class ClientChannelInitializer extends ChannelInitializer<Channel> {

	private final int maxFrameSize;

	private final Framing framing;

	private final FrameEncoder encoder;

	private final ClientConnection connection;

	private final @Nullable Consumer<ChannelPipeline> customizer;

	private final @Nullable TlsConfig tls;

	private final InetSocketAddress address;

	/**
	 * @param tls the TLS settings, or {@code null} for plain TCP
	 * @param address the endpoint, whose host name the server's certificate must match
	 */
	ClientChannelInitializer(int maxFrameSize, Framing framing, FrameEncoder encoder, ClientConnection connection,
			@Nullable Consumer<ChannelPipeline> customizer, @Nullable TlsConfig tls, InetSocketAddress address) {
		this.maxFrameSize = maxFrameSize;
		this.framing = framing;
		this.encoder = encoder;
		this.connection = connection;
		this.customizer = customizer;
		this.tls = tls;
		this.address = address;
	}

	@Override
	protected void initChannel(Channel channel) {
		ChannelPipeline pipeline = channel.pipeline();
		if (this.tls != null) {
			SslHandler ssl = this.tls.context()
				.newHandler(channel.alloc(), this.address.getHostString(), this.address.getPort());
			ssl.setHandshakeTimeoutMillis(this.tls.handshakeTimeout().toMillis());
			pipeline.addLast(FastnetPipeline.TLS, ssl);
		}
		if (this.framing.isFastnet()) {
			pipeline.addLast(FastnetPipeline.FRAME_DECODER, new FrameDecoder(this.maxFrameSize));
			pipeline.addLast(FastnetPipeline.FRAME_ENCODER, this.encoder);
		}
		else {
			this.framing.configureClient(pipeline, this.maxFrameSize);
		}
		pipeline.addLast(FastnetPipeline.HANDLER, this.connection);
		if (this.customizer != null) {
			this.customizer.accept(pipeline);
		}
	}

}

package demo;

import dev.fastnet.server.FastnetServer;
import io.netty.channel.epoll.Epoll;

import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class FreshApplication {

	public static void main(String[] args) {
		System.out.println(FastnetServer.class.getName() + " epoll=" + Epoll.isAvailable());
	}

}

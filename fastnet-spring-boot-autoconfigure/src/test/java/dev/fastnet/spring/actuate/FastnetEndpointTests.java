package dev.fastnet.spring.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FastnetEndpoint} in an application without a fastnet server.
 */
class FastnetEndpointTests {

	private final FastnetEndpoint endpoint = new FastnetEndpoint(null, null, Map::of, (event) -> {
	});

	@Test
	void serverActionsWithoutAServerAnswer404() {
		WebEndpointResponse<Map<String, Object>> drain = this.endpoint.server("drain");
		assertThat(drain.getStatus()).isEqualTo(404);
		assertThat(drain.getBody()).containsEntry("error", "No fastnet server in this application");
		assertThat(this.endpoint.server("resume").getStatus()).isEqualTo(404);
	}

	@Test
	void unknownServerActionAnswers400() {
		assertThat(this.endpoint.server("stop").getStatus()).isEqualTo(400);
	}

	@Test
	void unknownClientAnswers404() {
		assertThat(this.endpoint.client("nope", "reset-circuit", "127.0.0.1:7000").getStatus()).isEqualTo(404);
	}

}

package dev.fastnet.spring.client;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Resolves a service id to the endpoints of its instances, for clients configured with
 * {@code fastnet.client.<name>.service-id}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface FastnetDiscovery {

	/**
	 * Return the endpoints of a service's instances.
	 * @param serviceId the service id
	 * @return the endpoints, empty when none is known
	 */
	List<InetSocketAddress> endpoints(String serviceId);

}

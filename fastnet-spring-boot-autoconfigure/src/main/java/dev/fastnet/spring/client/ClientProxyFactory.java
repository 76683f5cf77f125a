package dev.fastnet.spring.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import dev.fastnet.client.FastnetClient;
import dev.fastnet.client.Reply;
import dev.fastnet.spring.handler.Header;
import dev.fastnet.spring.handler.PayloadConverter;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

/**
 * Creates the proxy behind a {@link FastnetExchange} interface. Every method is prepared
 * once: a call encodes its arguments, sends them and decodes the answer.
 */
final class ClientProxyFactory {

	private ClientProxyFactory() {
	}

	static <T> T create(Class<T> type, String clientName, @Nullable BeanFactory beanFactory) {
		if (!(beanFactory instanceof ListableBeanFactory listable)) {
			throw new IllegalStateException("Declarative fastnet clients need a ListableBeanFactory");
		}
		FastnetClient client = findClient(listable, clientName, type);
		PayloadConverter converter = listable.getBeanProvider(PayloadConverter.class).getIfAvailable();
		Map<Method, Invoker> invokers = new HashMap<>();
		for (Method method : type.getMethods()) {
			FastnetRoute route = method.getAnnotation(FastnetRoute.class);
			if (route != null) {
				invokers.put(method, new Invoker(client, method, route, converter));
			}
			else if (!method.isDefault() && !java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
				throw new IllegalStateException("Method " + type.getName() + "#" + method.getName()
						+ " of a @FastnetExchange interface needs @FastnetRoute");
			}
		}
		InvocationHandler handler = (proxy, method, args) -> {
			Invoker invoker = invokers.get(method);
			if (invoker != null) {
				return invoker.invoke((args != null) ? args : new Object[0]);
			}
			if (method.getDeclaringClass() == Object.class) {
				return switch (method.getName()) {
					case "equals" -> proxy == args[0];
					case "hashCode" -> System.identityHashCode(proxy);
					case "toString" -> "fastnet client " + type.getName() + " -> " + clientName;
					default -> throw new UnsupportedOperationException(method.getName());
				};
			}
			if (method.isDefault()) {
				return InvocationHandler.invokeDefault(proxy, method, args);
			}
			throw new UnsupportedOperationException(method.toString());
		};
		return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, handler));
	}

	private static FastnetClient findClient(ListableBeanFactory beanFactory, String name, Class<?> type) {
		String beanName = name + "FastnetClient";
		if (beanFactory.containsBean(beanName)) {
			return beanFactory.getBean(beanName, FastnetClient.class);
		}
		Map<String, FastnetClient> candidates = BeanFactoryUtils.beansOfTypeIncludingAncestors(beanFactory,
				FastnetClient.class);
		for (FastnetClient candidate : candidates.values()) {
			if (candidate.config().name().equals(name)) {
				return candidate;
			}
		}
		throw new IllegalStateException("@FastnetExchange(\"" + name + "\") on " + type.getName()
				+ " needs a client: configure fastnet.client." + name + ".endpoints");
	}

	private static final class Invoker {

		private final FastnetClient client;

		private final String route;

		private final @Nullable Duration timeout;

		private final int payloadIndex;

		private final Map<Integer, String> headers = new LinkedHashMap<>();

		private final @Nullable PayloadConverter converter;

		private final Kind kind;

		private final Type resultType;

		Invoker(FastnetClient client, Method method, FastnetRoute route, @Nullable PayloadConverter converter) {
			this.client = client;
			this.route = route.value();
			this.timeout = (route.timeoutMillis() > 0) ? Duration.ofMillis(route.timeoutMillis()) : null;
			this.converter = converter;
			ReflectionUtils.makeAccessible(method);
			int payload = -1;
			Parameter[] parameters = method.getParameters();
			for (int i = 0; i < parameters.length; i++) {
				Header header = parameters[i].getAnnotation(Header.class);
				if (header != null) {
					this.headers.put(i, header.value());
				}
				else if (payload < 0) {
					payload = i;
				}
				else {
					throw new IllegalStateException("Method " + method + " has more than one payload parameter");
				}
			}
			this.payloadIndex = payload;
			Class<?> returnType = method.getReturnType();
			if (returnType == void.class) {
				this.kind = Kind.ONEWAY;
				this.resultType = Void.class;
			}
			else if (CompletionStage.class.isAssignableFrom(returnType)) {
				this.kind = Kind.ASYNC;
				Type generic = method.getGenericReturnType();
				Class<?> resolved = ResolvableType.forMethodReturnType(method)
					.as(CompletionStage.class)
					.resolveGeneric(0);
				if (generic instanceof ParameterizedType parameterized
						&& parameterized.getActualTypeArguments().length == 1) {
					this.resultType = parameterized.getActualTypeArguments()[0];
				}
				else {
					this.resultType = (resolved != null) ? resolved : Object.class;
				}
			}
			else {
				this.kind = Kind.BLOCKING;
				this.resultType = method.getGenericReturnType();
			}
			if (converter == null && needsConverter(method)) {
				throw new IllegalStateException("Method " + method + " needs a PayloadConverter (add Jackson)");
			}
		}

		private boolean needsConverter(Method method) {
			boolean payloadNeeds = this.payloadIndex >= 0 && !isRaw(method.getParameterTypes()[this.payloadIndex]);
			boolean resultNeeds = this.kind != Kind.ONEWAY && !(this.resultType instanceof Class<?> c && isRaw(c));
			return payloadNeeds || resultNeeds;
		}

		private static boolean isRaw(Class<?> type) {
			return type == byte[].class || type == String.class || type == Void.class || type == Reply.class;
		}

		@Nullable Object invoke(Object[] args) {
			byte[] payload = encode((this.payloadIndex >= 0) ? args[this.payloadIndex] : null);
			Map<String, String> headers = Map.of();
			if (!this.headers.isEmpty()) {
				headers = new LinkedHashMap<>();
				for (Map.Entry<Integer, String> header : this.headers.entrySet()) {
					Object value = args[header.getKey()];
					if (value != null) {
						headers.put(header.getValue(), value.toString());
					}
				}
			}
			switch (this.kind) {
				case ONEWAY -> {
					this.client.onewayBlocking(this.route, headers, payload);
					return null;
				}
				case ASYNC -> {
					return this.client.request(this.route, headers, payload, this.timeout).thenApply(this::decode);
				}
				default -> {
					return decode(this.client.requestBlocking(this.route, headers, payload, this.timeout));
				}
			}
		}

		private byte[] encode(@Nullable Object value) {
			if (value == null) {
				return new byte[0];
			}
			if (value instanceof byte[] bytes) {
				return bytes;
			}
			if (value instanceof String text) {
				return text.getBytes(StandardCharsets.UTF_8);
			}
			return this.converter.write(value);
		}

		private @Nullable Object decode(Reply reply) {
			if (this.resultType == Reply.class) {
				return reply;
			}
			if (this.resultType == byte[].class) {
				return reply.payload();
			}
			if (this.resultType == String.class) {
				return reply.payloadString();
			}
			if (this.resultType == Void.class) {
				return null;
			}
			return this.converter.read(reply.payload(), this.resultType);
		}

	}

	private enum Kind {

		BLOCKING, ASYNC, ONEWAY

	}

}

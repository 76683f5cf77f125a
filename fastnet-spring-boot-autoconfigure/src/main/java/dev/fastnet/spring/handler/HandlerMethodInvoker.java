package dev.fastnet.spring.handler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import dev.fastnet.FastnetException;
import dev.fastnet.Status;
import dev.fastnet.dispatch.RequestContext;
import dev.fastnet.dispatch.RequestHandler;
import dev.fastnet.session.Session;
import io.netty.buffer.ByteBuf;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.util.ReflectionUtils;

/**
 * A {@link RequestHandler} that calls one {@link MessageHandler} method. Everything about
 * the method is resolved once, when the invoker is created; a request costs one argument
 * array and one reflective call.
 */
final class HandlerMethodInvoker implements RequestHandler {

	private static final Log logger = LogFactory.getLog(HandlerMethodInvoker.class);

	private final Object bean;

	private final Method method;

	private final ArgumentResolver[] resolvers;

	private final ReturnValueWriter writer;

	private final ExceptionMapper exceptionMapper;

	HandlerMethodInvoker(Object bean, Method method, @Nullable PayloadConverter converter,
			ExceptionMapper exceptionMapper) {
		this.bean = bean;
		this.method = method;
		ReflectionUtils.makeAccessible(method);
		Parameter[] parameters = method.getParameters();
		this.resolvers = new ArgumentResolver[parameters.length];
		boolean payloadSeen = false;
		for (int i = 0; i < parameters.length; i++) {
			ArgumentResolver resolver = contextResolver(parameters[i]);
			if (resolver == null) {
				if (payloadSeen) {
					throw new IllegalStateException("Unsupported parameter '" + parameters[i].getName() + "' of "
							+ describe(method) + ": only one parameter can take the payload");
				}
				payloadSeen = true;
				resolver = payloadResolver(new MethodParameter(method, i), converter, method);
			}
			this.resolvers[i] = resolver;
		}
		this.writer = returnValueWriter(method, converter);
		this.exceptionMapper = exceptionMapper;
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "#" + method.getName();
	}

	private static @Nullable ArgumentResolver contextResolver(Parameter parameter) {
		Header header = parameter.getAnnotation(Header.class);
		if (header != null) {
			return headerResolver(parameter, header);
		}
		Class<?> type = parameter.getType();
		if (parameter.isAnnotationPresent(RequestId.class)) {
			if (type == int.class || type == Integer.class) {
				return RequestContext::id;
			}
			if (type == long.class || type == Long.class) {
				// Ids are unsigned on the wire
				return (request) -> Integer.toUnsignedLong(request.id());
			}
			throw new IllegalStateException("Unsupported parameter '" + parameter.getName() + "' of "
					+ describe((Method) parameter.getDeclaringExecutable())
					+ ": @RequestId parameters must be int or long");
		}
		if (type == RequestContext.class) {
			return (request) -> request;
		}
		if (type == Session.class) {
			return RequestContext::session;
		}
		return null;
	}

	private static ArgumentResolver headerResolver(Parameter parameter, Header header) {
		String name = header.value();
		if (parameter.getType() == Optional.class
				&& ResolvableType.forType(parameter.getParameterizedType()).getGeneric(0).resolve() == String.class) {
			return (request) -> Optional.ofNullable(request.header(name));
		}
		if (parameter.getType() != String.class) {
			throw new IllegalStateException("Unsupported parameter '" + parameter.getName() + "' of "
					+ describe((Method) parameter.getDeclaringExecutable())
					+ ": @Header parameters must be String or Optional<String>");
		}
		if (!header.required()) {
			return (request) -> request.header(name);
		}
		String missing = "Missing header '" + name + "'";
		return (request) -> {
			String value = request.header(name);
			if (value == null) {
				throw new FastnetException(Status.BAD_REQUEST.code(), missing);
			}
			return value;
		};
	}

	private static ArgumentResolver payloadResolver(MethodParameter parameter, @Nullable PayloadConverter converter,
			Method method) {
		Class<?> type = parameter.getParameterType();
		if (type == byte[].class) {
			return RequestContext::payloadBytes;
		}
		if (type == String.class) {
			return RequestContext::payloadString;
		}
		if (type == ByteBuffer.class) {
			return (request) -> ByteBuffer.wrap(request.payloadBytes());
		}
		if (type == ByteBuf.class) {
			return RequestContext::payload;
		}
		if (type.isPrimitive() || converter == null) {
			throw new IllegalStateException("Unsupported parameter '" + parameter.getParameterName() + "' of "
					+ describe(method) + ": " + type.getName() + " needs a PayloadConverter (add Jackson)"
					+ (type.isPrimitive() ? " and cannot be primitive" : ""));
		}
		Type generic = parameter.getGenericParameterType();
		// The converter's message names classes and quotes the parser: it is for this
		// side's log,
		// not for the peer
		String answer = "Payload could not be read as " + type.getSimpleName();
		return (request) -> {
			try {
				return converter.read(request.payloadBytes(), generic);
			}
			catch (PayloadConverter.PayloadConversionException ex) {
				if (logger.isDebugEnabled()) {
					logger.debug("Payload of request " + Integer.toUnsignedString(request.id()) + " on route '"
							+ request.route() + "' from " + request.session().remoteAddress() + " could not be read: "
							+ ex.getMessage());
				}
				throw new FastnetException(Status.BAD_REQUEST.code(), answer, ex);
			}
		};
	}

	private static ReturnValueWriter returnValueWriter(Method method, @Nullable PayloadConverter converter) {
		Class<?> type = method.getReturnType();
		if (CompletionStage.class.isAssignableFrom(type)) {
			Class<?> element = ResolvableType.forMethodReturnType(method).as(CompletionStage.class).resolveGeneric(0);
			ReturnValueWriter inner = writerFor((element != null) ? element : Object.class, converter, method);
			return (value) -> (value != null) ? ((CompletionStage<?>) value).thenApply(inner::write) : null;
		}
		return writerFor(type, converter, method);
	}

	private static ReturnValueWriter writerFor(Class<?> type, @Nullable PayloadConverter converter, Method method) {
		if (type == void.class || type == Void.class) {
			return (value) -> null;
		}
		if (type == byte[].class || type == String.class || type == ByteBuffer.class || type == ByteBuf.class) {
			return (value) -> value;
		}
		if (converter == null) {
			throw new IllegalStateException("Unsupported return type " + type.getName() + " of " + describe(method)
					+ ": it needs a PayloadConverter (add Jackson)");
		}
		return (value) -> {
			if (value == null || value instanceof byte[] || value instanceof CharSequence || value instanceof ByteBuffer
					|| value instanceof ByteBuf) {
				return value;
			}
			return converter.write(value);
		};
	}

	@Override
	public @Nullable Object handle(RequestContext request) throws Exception {
		try {
			Object[] args = new Object[this.resolvers.length];
			for (int i = 0; i < args.length; i++) {
				args[i] = this.resolvers[i].resolve(request);
			}
			Object result = this.method.invoke(this.bean, args);
			Object written = this.writer.write(result);
			if (written instanceof CompletionStage<?> stage) {
				return stage.exceptionally((ex) -> {
					throw this.exceptionMapper.map(ex);
				});
			}
			return written;
		}
		catch (InvocationTargetException ex) {
			throw this.exceptionMapper.map(ex.getTargetException());
		}
		catch (RuntimeException ex) {
			throw this.exceptionMapper.map(ex);
		}
	}

	@Override
	public String toString() {
		return describe(this.method);
	}

	@FunctionalInterface
	interface ArgumentResolver {

		@Nullable Object resolve(RequestContext request);

	}

	@FunctionalInterface
	interface ReturnValueWriter {

		@Nullable Object write(@Nullable Object value);

	}

}

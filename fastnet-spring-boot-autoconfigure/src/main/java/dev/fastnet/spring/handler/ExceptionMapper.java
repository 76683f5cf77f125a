package dev.fastnet.spring.handler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import dev.fastnet.FastnetException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * Applies {@link MessageExceptionHandler} methods: the handler bean's own first, then
 * those of {@link MessageHandlerAdvice} beans. Exceptions no method handles pass through
 * unchanged.
 */
final class ExceptionMapper {

	static final ExceptionMapper NONE = new ExceptionMapper(List.of(), List.of());

	private final List<Entry> own;

	private final List<Entry> advice;

	private ExceptionMapper(List<Entry> own, List<Entry> advice) {
		this.own = own;
		this.advice = advice;
	}

	static List<Entry> entriesOf(Object bean, Class<?> userClass) {
		List<Entry> entries = new ArrayList<>();
		ReflectionUtils.doWithMethods(userClass, (method) -> {
			MessageExceptionHandler annotation = method.getAnnotation(MessageExceptionHandler.class);
			if (annotation == null) {
				return;
			}
			if (method.getParameterCount() != 1 || !Throwable.class.isAssignableFrom(method.getParameterTypes()[0])
					|| !FastnetException.class.isAssignableFrom(method.getReturnType())) {
				throw new IllegalStateException(
						"@MessageExceptionHandler method " + HandlerMethodInvoker.describe(method)
								+ " must take one exception parameter and return a FastnetException");
			}
			@SuppressWarnings("unchecked")
			Class<? extends Throwable> parameterType = (Class<? extends Throwable>) method.getParameterTypes()[0];
			List<Class<? extends Throwable>> types = (annotation.value().length > 0) ? List.of(annotation.value())
					: List.of(parameterType);
			for (Class<? extends Throwable> type : types) {
				if (!parameterType.isAssignableFrom(type)) {
					throw new IllegalStateException(
							"@MessageExceptionHandler method " + HandlerMethodInvoker.describe(method) + " handles "
									+ type.getName() + " but its parameter takes only " + parameterType.getName());
				}
			}
			ReflectionUtils.makeAccessible(method);
			for (Class<? extends Throwable> type : types) {
				entries.add(new Entry(type, bean, method));
			}
		});
		return entries;
	}

	static ExceptionMapper of(List<Entry> own, List<Entry> advice) {
		if (own.isEmpty() && advice.isEmpty()) {
			return NONE;
		}
		return new ExceptionMapper(List.copyOf(own), List.copyOf(advice));
	}

	/**
	 * Map a failure to what the handler throws: the closest matching method of the
	 * handler's bean, else the closest of the advice beans; a method that returns
	 * {@code null} leaves the failure unchanged.
	 */
	RuntimeException map(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		for (List<Entry> entries : List.of(this.own, this.advice)) {
			Entry entry = closest(entries, cause);
			if (entry != null) {
				try {
					Object mapped = entry.method().invoke(entry.bean(), cause);
					return (mapped != null) ? (RuntimeException) mapped : asRuntime(cause);
				}
				catch (InvocationTargetException ex) {
					return asRuntime(ex.getTargetException());
				}
				catch (IllegalAccessException ex) {
					return new IllegalStateException(ex);
				}
			}
		}
		return asRuntime(cause);
	}

	private static @Nullable Entry closest(List<Entry> entries, Throwable cause) {
		Entry closest = null;
		int closestDepth = Integer.MAX_VALUE;
		for (Entry entry : entries) {
			int depth = depth(entry.type(), cause.getClass());
			if (depth < closestDepth) {
				closest = entry;
				closestDepth = depth;
			}
		}
		return closest;
	}

	/**
	 * Return how many superclass steps lead from the thrown type to the handled one, as
	 * Spring's ExceptionDepthComparator measures: the nearest handler wins.
	 */
	private static int depth(Class<?> handled, Class<?> thrown) {
		int depth = 0;
		for (Class<?> type = thrown; type != null; type = type.getSuperclass()) {
			if (type == handled) {
				return depth;
			}
			depth++;
		}
		return Integer.MAX_VALUE;
	}

	private static RuntimeException asRuntime(Throwable failure) {
		return (failure instanceof RuntimeException runtime) ? runtime : new CompletionException(failure);
	}

	record Entry(Class<? extends Throwable> type, Object bean, Method method) {
	}

}

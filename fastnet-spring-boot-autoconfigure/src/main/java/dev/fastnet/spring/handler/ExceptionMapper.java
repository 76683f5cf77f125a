package dev.fastnet.spring.handler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import dev.fastnet.FastnetException;

import org.springframework.util.ReflectionUtils;

/**
 * Applies {@link MessageExceptionHandler} methods: the handler bean's own first, then those of
 * {@link MessageHandlerAdvice} beans. Exceptions no method handles pass through unchanged.
 */
final class ExceptionMapper {

	static final ExceptionMapper NONE = new ExceptionMapper(List.of());

	private final List<Entry> entries;

	private ExceptionMapper(List<Entry> entries) {
		this.entries = entries;
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
				throw new IllegalStateException("@MessageExceptionHandler method "
						+ HandlerMethodInvoker.describe(method)
						+ " must take one exception parameter and return a FastnetException");
			}
			@SuppressWarnings("unchecked")
			Class<? extends Throwable> parameterType = (Class<? extends Throwable>) method.getParameterTypes()[0];
			List<Class<? extends Throwable>> types = (annotation.value().length > 0) ? List.of(annotation.value())
					: List.of(parameterType);
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
		List<Entry> all = new ArrayList<>(own);
		all.addAll(advice);
		return new ExceptionMapper(List.copyOf(all));
	}

	/**
	 * Map a failure to what the handler throws.
	 */
	RuntimeException map(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		for (Entry entry : this.entries) {
			if (entry.type().isInstance(cause)) {
				try {
					return (RuntimeException) entry.method().invoke(entry.bean(), cause);
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

	private static RuntimeException asRuntime(Throwable failure) {
		return (failure instanceof RuntimeException runtime) ? runtime : new CompletionException(failure);
	}

	record Entry(Class<? extends Throwable> type, Object bean, Method method) {
	}

}

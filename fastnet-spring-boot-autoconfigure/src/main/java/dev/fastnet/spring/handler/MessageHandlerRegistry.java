package dev.fastnet.spring.handler;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.fastnet.dispatch.Execution;
import dev.fastnet.dispatch.Route;
import dev.fastnet.dispatch.Routes;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Finds {@link MessageHandler} methods on every bean as it is initialised, and turns them
 * into fastnet {@link Routes} once, when the server starts. Two methods for one route
 * fail the application at startup, naming both.
 *
 * @since 0.1.0
 */
public class MessageHandlerRegistry implements BeanPostProcessor, BeanFactoryAware {

	private final Map<String, HandlerMethodInfo> handlers = new LinkedHashMap<>();

	private final List<Candidate> candidates = new ArrayList<>();

	private final List<ExceptionMapper.Entry> adviceEntries = new ArrayList<>();

	private @Nullable BeanFactory beanFactory;

	private volatile @Nullable Routes routes;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> userClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
		if (AnnotatedElementUtils.hasAnnotation(userClass, MessageHandlerAdvice.class)) {
			synchronized (this.candidates) {
				this.adviceEntries.addAll(ExceptionMapper.entriesOf(bean, userClass));
			}
		}
		Map<Method, MessageHandler> methods = MethodIntrospector.selectMethods(userClass,
				(MethodIntrospector.MetadataLookup<MessageHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, MessageHandler.class));
		if (methods.isEmpty()) {
			return bean;
		}
		MessageHandler typeLevel = AnnotatedElementUtils.findMergedAnnotation(userClass, MessageHandler.class);
		String prefix = (typeLevel != null) ? typeLevel.value() : "";
		synchronized (this.candidates) {
			if (this.routes != null) {
				throw new IllegalStateException("Bean '" + beanName + "' with @MessageHandler methods was created "
						+ "after the fastnet server started; make it a non-lazy singleton");
			}
			List<ExceptionMapper.Entry> own = ExceptionMapper.entriesOf(bean, userClass);
			methods.forEach((method, annotation) -> {
				String route = route(prefix, annotation.value(), method);
				Execution execution = execution(annotation, method);
				HandlerMethodInfo info = new HandlerMethodInfo(route, beanName, method, execution);
				HandlerMethodInfo existing = this.handlers.putIfAbsent(route, info);
				if (existing != null) {
					throw new IllegalStateException(
							"Duplicate @MessageHandler route '" + route + "': " + existing.beanName() + "#"
									+ existing.method().getName() + " and " + beanName + "#" + method.getName());
				}
				Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
				this.candidates.add(new Candidate(info, bean, invocable, own));
			});
		}
		return bean;
	}

	private static String route(String prefix, String value, Method method) {
		String route = StringUtils.hasLength(prefix) ? prefix + (StringUtils.hasLength(value) ? "." + value : "")
				: value;
		if (!StringUtils.hasLength(route)) {
			throw new IllegalStateException(
					"@MessageHandler on " + HandlerMethodInvoker.describe(method) + " needs a route");
		}
		return route;
	}

	private static @Nullable Execution execution(MessageHandler annotation, Method method) {
		Execution[] execution = annotation.execution();
		if (execution.length > 1) {
			throw new IllegalStateException(
					"@MessageHandler on " + HandlerMethodInvoker.describe(method) + " names more than one execution");
		}
		return (execution.length == 1) ? execution[0] : null;
	}

	/**
	 * Return whether a type declares {@link MessageHandler} methods.
	 * @param type the type
	 * @return whether beans of the type handle routes
	 */
	public static boolean hasHandlerMethods(Class<?> type) {
		Class<?> userClass = ClassUtils.getUserClass(type);
		return !MethodIntrospector
			.selectMethods(userClass,
					(MethodIntrospector.MetadataLookup<MessageHandler>) (method) -> AnnotatedElementUtils
						.findMergedAnnotation(method, MessageHandler.class))
			.isEmpty();
	}

	/**
	 * Build the routes from every handler found so far; later calls return the same
	 * routes.
	 * @return the routes
	 */
	public Routes routes() {
		Routes routes = this.routes;
		if (routes != null) {
			return routes;
		}
		synchronized (this.candidates) {
			if (this.routes == null) {
				PayloadConverter converter = (this.beanFactory != null)
						? this.beanFactory.getBeanProvider(PayloadConverter.class).getIfAvailable() : null;
				Routes.Builder builder = Routes.builder();
				for (Candidate candidate : this.candidates) {
					ExceptionMapper mapper = ExceptionMapper.of(candidate.exceptionEntries(), this.adviceEntries);
					HandlerMethodInvoker invoker = new HandlerMethodInvoker(candidate.bean(), candidate.method(),
							converter, mapper);
					builder.route(new Route(candidate.info().route(), invoker, candidate.info().execution()));
				}
				this.routes = builder.build();
			}
			return this.routes;
		}
	}

	/**
	 * Return every handler method found, in discovery order.
	 * @return the handler methods
	 */
	public List<HandlerMethodInfo> handlerMethods() {
		synchronized (this.candidates) {
			return Collections.unmodifiableList(new ArrayList<>(this.handlers.values()));
		}
	}

	/**
	 * A handler method and its route.
	 *
	 * @param route the route
	 * @param beanName the bean's name
	 * @param method the method
	 * @param execution where it runs, or {@code null} for the server's default
	 */
	public record HandlerMethodInfo(String route, String beanName, Method method, @Nullable Execution execution) {
	}

	private record Candidate(HandlerMethodInfo info, Object bean, Method method,
			List<ExceptionMapper.Entry> exceptionEntries) {
	}

}

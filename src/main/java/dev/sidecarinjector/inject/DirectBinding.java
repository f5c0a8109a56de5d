package dev.sidecarinjector.inject;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.ValueInstantiators;
import com.fasterxml.jackson.databind.deser.impl.MethodProperty;
import com.fasterxml.jackson.databind.deser.impl.NullsConstantProvider;
import com.fasterxml.jackson.databind.deser.std.StdValueInstantiator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Binds beans without reflection: Jackson calls a bean's no-argument constructor and its setters through
 * {@code Constructor.newInstance} and {@code Method.invoke}, which cost about a tenth of a review's CPU when a pod
 * is bound to the Kubernetes model (hundreds of calls, each through a method handle the JIT cannot see into). This
 * module gives each public constructor and public one-argument setter of a public class a small generated class
 * that calls it directly ({@link LambdaMetafactory}, as Jackson's Blackbird module does), made at its first use, so
 * only what pods use is generated. Everything else, and every error and its message, stays Jackson's.
 */
public final class DirectBinding extends SimpleModule {

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    public DirectBinding() {
        super("DirectBinding");
        setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
                var direct = new ArrayList<SettableBeanProperty>();
                builder.getProperties().forEachRemaining(property -> {
                    if (property instanceof MethodProperty && callable(property.getMember().getMember())) {
                        direct.add(new DirectSetter(property, generatedSetter((Method) property.getMember().getMember())));
                    }
                });
                direct.forEach(property -> builder.addOrReplaceProperty(property, true));
                return builder;
            }
        });
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.addValueInstantiators(new ValueInstantiators.Base() {
            @Override
            public ValueInstantiator findValueInstantiator(DeserializationConfig config, BeanDescription description, ValueInstantiator instantiator) {
                if (instantiator.getClass() == StdValueInstantiator.class && instantiator.canCreateUsingDefault()
                        && !instantiator.canCreateFromObjectWith()
                        && instantiator.getDefaultCreator().getMember() instanceof Constructor<?> constructor
                        && callable(constructor)) {
                    return new DirectInstantiator((StdValueInstantiator) instantiator, constructor);
                }
                return instantiator;
            }
        });
    }

    /** A public member of a public class: a generated class in this package may call it. Setters: void, one object argument. */
    static boolean callable(Member member) {
        if (!Modifier.isPublic(member.getModifiers()) || !Modifier.isPublic(member.getDeclaringClass().getModifiers())
                || Modifier.isAbstract(member.getDeclaringClass().getModifiers())) {
            return false;
        }
        return switch (member) {
            case Method method -> !Modifier.isStatic(method.getModifiers()) && method.getReturnType() == void.class
                    && method.getParameterCount() == 1 && !method.getParameterTypes()[0].isPrimitive();
            case Constructor<?> constructor -> constructor.getParameterCount() == 0;
            default -> false;
        };
    }

    /**
     * A constructor or method called through a generated class implementing {@code type}'s {@code name}, made on the
     * first call; two threads racing make two equal ones.
     */
    static final class Generated<T> {
        private final Member member;
        private final Class<T> type;
        private final String name;
        private final MethodType erased;
        private T call;

        Generated(Member member, Class<T> type, String name, MethodType erased) {
            this.member = member;
            this.type = type;
            this.name = name;
            this.erased = erased;
        }

        T call() {
            var direct = call;
            if (direct == null) {
                try {
                    var handle = member instanceof Constructor<?> constructor ? LOOKUP.unreflectConstructor(constructor) : LOOKUP.unreflect((Method) member);
                    direct = type.cast(LambdaMetafactory.metafactory(LOOKUP, name, MethodType.methodType(type), erased, handle, handle.type())
                            .getTarget().invoke());
                } catch (Throwable e) {
                    throw new IllegalStateException("cannot call " + member + " directly", e);
                }
                call = direct;
            }
            return direct;
        }
    }

    @SuppressWarnings("unchecked")
    private static Generated<BiConsumer<Object, Object>> generatedSetter(Method method) {
        return new Generated<>(method, (Class<BiConsumer<Object, Object>>) (Class<?>) BiConsumer.class, "accept",
                MethodType.methodType(void.class, Object.class, Object.class));
    }

    @SuppressWarnings("unchecked")
    private static Generated<Supplier<Object>> generatedConstructor(Constructor<?> constructor) {
        return new Generated<>(constructor, (Class<Supplier<Object>>) (Class<?>) Supplier.class, "get", MethodType.methodType(Object.class));
    }

    /** A property whose value is read by Jackson (nulls, types and errors as for any property) and set directly. */
    static final class DirectSetter extends SettableBeanProperty.Delegating {
        private final Generated<BiConsumer<Object, Object>> setter;

        DirectSetter(SettableBeanProperty delegate, Generated<BiConsumer<Object, Object>> setter) {
            super(delegate);
            this.setter = setter;
        }

        @Override
        protected SettableBeanProperty withDelegate(SettableBeanProperty delegate) {
            return delegate instanceof MethodProperty ? new DirectSetter(delegate, setter) : delegate;
        }

        @Override
        public void deserializeAndSet(JsonParser parser, DeserializationContext context, Object instance) throws IOException {
            // A JSON null comes back as the property's null value: null when nulls are skipped.
            var value = delegate.deserialize(parser, context);
            if (value == null && NullsConstantProvider.isSkipper(delegate.getNullValueProvider())) {
                return;
            }
            try {
                setter.call().accept(instance, value);
            } catch (RuntimeException e) {
                _throwAsIOE(parser, e, value);
            }
        }

        @Override
        public Object deserializeSetAndReturn(JsonParser parser, DeserializationContext context, Object instance) throws IOException {
            deserializeAndSet(parser, context, instance);
            return instance;
        }

        @Override
        public void set(Object instance, Object value) throws IOException {
            try {
                setter.call().accept(instance, value);
            } catch (RuntimeException e) {
                _throwAsIOE(e, value);
            }
        }

        @Override
        public Object setAndReturn(Object instance, Object value) throws IOException {
            set(instance, value);
            return instance;
        }
    }

    /** Jackson's instantiator, with the no-argument constructor called through a generated class. */
    static final class DirectInstantiator extends StdValueInstantiator {
        private final Generated<Supplier<Object>> constructor;

        DirectInstantiator(StdValueInstantiator source, Constructor<?> constructor) {
            super(source);
            this.constructor = generatedConstructor(constructor);
        }

        @Override
        public Object createUsingDefault(DeserializationContext context) throws IOException {
            var create = constructor.call();
            try {
                return create.get();
            } catch (RuntimeException e) {
                return context.handleInstantiationProblem(_valueClass, null, rewrapCtorProblem(context, e));
            }
        }
    }
}

package dev.plinth.api.storage;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Captures a generic type for {@link KeyValueStore#getObject(String, TypeRef)}, the usual way: create an
 * anonymous subclass, {@code new TypeRef<List<Note>>() {}}.
 *
 * @param <T> the captured type
 */
public abstract class TypeRef<T> {
    private final Type type;

    /**
     * @throws IllegalStateException when created without a type argument
     */
    protected TypeRef() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType)) {
            throw new IllegalStateException(
                    "TypeRef must be created with a type argument, " + "for example new TypeRef<List<String>>() {}");
        }
        this.type = ((ParameterizedType) superclass).getActualTypeArguments()[0];
    }

    /** @return the captured type */
    public final Type type() {
        return type;
    }

    @Override
    public String toString() {
        return "TypeRef<" + type.getTypeName() + ">";
    }
}

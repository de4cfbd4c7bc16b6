#pragma once

#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace gb::gateway {

template <class Signature>
class UniqueFunction;

/// A move-only std::function. Completions in the storage layer capture move-only state (an
/// ExchangeRef, a vector of replies) and must not allocate on the request path when the callable
/// is small: callables of up to 48 bytes are stored inline, larger ones on the heap. Not
/// thread-safe; hand it from thread to thread by moving it.
template <class R, class... Args>
class UniqueFunction<R(Args...)>
{
public:
    UniqueFunction() noexcept = default;
    UniqueFunction(std::nullptr_t) noexcept {}

    template <class F, class D = std::decay_t<F>,
              class = std::enable_if_t<!std::is_same_v<D, UniqueFunction> &&
                                       std::is_invocable_r_v<R, D&, Args...>>>
    UniqueFunction(F&& f)
    {
        if constexpr (kFitsInline<D>) {
            ::new (static_cast<void*>(m_storage)) D(std::forward<F>(f));
            m_ops = &InlineOps<D>::kOps;
        } else {
            ::new (static_cast<void*>(m_storage)) D*(new D(std::forward<F>(f)));
            m_ops = &HeapOps<D>::kOps;
        }
    }

    UniqueFunction(UniqueFunction&& other) noexcept { takeFrom(other); }
    UniqueFunction& operator=(UniqueFunction&& other) noexcept
    {
        if (this != &other) {
            reset();
            takeFrom(other);
        }
        return *this;
    }
    UniqueFunction(const UniqueFunction&) = delete;
    UniqueFunction& operator=(const UniqueFunction&) = delete;
    ~UniqueFunction() { reset(); }

    explicit operator bool() const noexcept { return m_ops != nullptr; }

    R operator()(Args... args) { return m_ops->invoke(m_storage, std::forward<Args>(args)...); }

    void reset() noexcept
    {
        if (m_ops != nullptr) {
            m_ops->destroy(m_storage);
            m_ops = nullptr;
        }
    }

private:
    static constexpr std::size_t kInlineSize = 48;

    struct Ops
    {
        R (*invoke)(void*, Args&&...);
        void (*move)(void* from, void* to) noexcept; ///< leaves `from` destroyed
        void (*destroy)(void*) noexcept;
    };

    template <class F>
    static constexpr bool kFitsInline =
        sizeof(F) <= kInlineSize &&
        alignof(F) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<F>;

    template <class F>
    struct InlineOps
    {
        static F& get(void* p) { return *std::launder(static_cast<F*>(p)); }
        static R invoke(void* p, Args&&... args)
        {
            return std::invoke(get(p), std::forward<Args>(args)...);
        }
        static void move(void* from, void* to) noexcept
        {
            ::new (to) F(std::move(get(from)));
            get(from).~F();
        }
        static void destroy(void* p) noexcept { get(p).~F(); }
        static constexpr Ops kOps{&invoke, &move, &destroy};
    };

    template <class F>
    struct HeapOps
    {
        static F*& get(void* p) { return *std::launder(static_cast<F**>(p)); }
        static R invoke(void* p, Args&&... args)
        {
            return std::invoke(*get(p), std::forward<Args>(args)...);
        }
        static void move(void* from, void* to) noexcept { ::new (to) F*(get(from)); }
        static void destroy(void* p) noexcept { delete get(p); }
        static constexpr Ops kOps{&invoke, &move, &destroy};
    };

    void takeFrom(UniqueFunction& other) noexcept
    {
        if (other.m_ops != nullptr) {
            other.m_ops->move(other.m_storage, m_storage);
            m_ops = other.m_ops;
            other.m_ops = nullptr;
        }
    }

    alignas(std::max_align_t) unsigned char m_storage[kInlineSize];
    const Ops* m_ops = nullptr;
};

} // namespace gb::gateway

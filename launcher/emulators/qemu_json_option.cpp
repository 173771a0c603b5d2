#include "emulators/qemu_json_option.hpp"

#include <cstdint>

namespace taplaunch {

namespace {

// A recursive-descent reader of JSON as QEMU's parser reads it (qobject/json-lexer.c,
// json-parser.c): RFC 8259, plus strings in single quotes, and the escape \' in strings of
// either quote. It keeps only what the caller asks for.
class JsonReader {
public:
    explicit JsonReader(std::string_view text) : text_(text) {}

    std::optional<std::map<std::string, std::string>> top_level_strings()
    {
        std::map<std::string, std::string> members;
        skip_space();
        if (!consume('{')) {
            return std::nullopt;
        }
        skip_space();
        if (!consume('}')) {
            do {
                skip_space();
                std::string key;
                if (!read_string(key)) {
                    return std::nullopt;
                }
                skip_space();
                if (!consume(':')) {
                    return std::nullopt;
                }
                skip_space();
                if (is_quote(peek())) {
                    std::string value;
                    if (!read_string(value)) {
                        return std::nullopt;
                    }
                    members[key] = value;
                } else if (!skip_value(0)) {
                    return std::nullopt;
                }
                skip_space();
            } while (consume(','));
            if (!consume('}')) {
                return std::nullopt;
            }
        }
        skip_space();
        if (position_ != text_.size()) {
            return std::nullopt;
        }
        return members;
    }

private:
    static constexpr int max_depth = 64;

    char peek() const { return position_ < text_.size() ? text_[position_] : '\0'; }

    static bool is_quote(char c) { return c == '"' || c == '\''; }

    bool consume(char c)
    {
        if (peek() != c || position_ >= text_.size()) {
            return false;
        }
        ++position_;
        return true;
    }

    void skip_space()
    {
        while (position_ < text_.size() && (text_[position_] == ' ' || text_[position_] == '\t' ||
                                            text_[position_] == '\n' || text_[position_] == '\r')) {
            ++position_;
        }
    }

    bool read_hex4(std::uint32_t& code)
    {
        code = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = peek();
            ++position_;
            code <<= 4;
            if (c >= '0' && c <= '9') {
                code |= static_cast<std::uint32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                code |= static_cast<std::uint32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                code |= static_cast<std::uint32_t>(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return true;
    }

    static void append_utf8(std::string& out, std::uint32_t code)
    {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xc0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3f));
        } else if (code < 0x10000) {
            out += static_cast<char>(0xe0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (code >> 18));
            out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (code & 0x3f));
        }
    }

    // A string in double or single quotes; the other quote stands for itself inside it.
    bool read_string(std::string& out)
    {
        const char quote = peek();
        if (!is_quote(quote) || !consume(quote)) {
            return false;
        }
        while (position_ < text_.size()) {
            const char c = text_[position_++];
            if (c == quote) {
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20) {
                return false;
            }
            if (c != '\\') {
                out += c;
                continue;
            }
            const char escape = peek();
            ++position_;
            switch (escape) {
            case '"': out += '"'; break;
            case '\'': out += '\''; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                std::uint32_t code = 0;
                if (!read_hex4(code)) {
                    return false;
                }
                if (code >= 0xd800 && code < 0xdc00 && peek() == '\\') {
                    ++position_;
                    std::uint32_t low = 0;
                    if (!consume('u') || !read_hex4(low) || low < 0xdc00 || low >= 0xe000) {
                        return false;
                    }
                    code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                }
                append_utf8(out, code);
                break;
            }
            default:
                return false;
            }
        }
        return false;
    }

    bool skip_value(int depth)
    {
        if (depth > max_depth) {
            return false;
        }
        skip_space();
        const char c = peek();
        if (is_quote(c)) {
            std::string ignored;
            return read_string(ignored);
        }
        if (c == '{' || c == '[') {
            const char close = c == '{' ? '}' : ']';
            ++position_;
            skip_space();
            if (consume(close)) {
                return true;
            }
            do {
                skip_space();
                if (c == '{') {
                    std::string ignored;
                    if (!read_string(ignored)) {
                        return false;
                    }
                    skip_space();
                    if (!consume(':')) {
                        return false;
                    }
                }
                if (!skip_value(depth + 1)) {
                    return false;
                }
                skip_space();
            } while (consume(','));
            return consume(close);
        }
        for (const std::string_view literal : {"true", "false", "null"}) {
            if (text_.substr(position_).starts_with(literal)) {
                position_ += literal.size();
                return true;
            }
        }
        // A number: -?digits[.digits][e[+-]digits]
        const std::size_t start = position_;
        consume('-');
        while (position_ < text_.size() &&
               ((text_[position_] >= '0' && text_[position_] <= '9') || text_[position_] == '.' ||
                text_[position_] == 'e' || text_[position_] == 'E' || text_[position_] == '+' ||
                text_[position_] == '-')) {
            ++position_;
        }
        return position_ > start && text_[position_ - 1] != '-';
    }

    std::string_view text_;
    std::size_t position_ = 0;
};

}  // namespace

bool is_qemu_json_option(std::string_view value)
{
    return value.starts_with('{');
}

std::optional<std::map<std::string, std::string>> json_object_string_members(
    std::string_view text)
{
    return JsonReader(text).top_level_strings();
}

}  // namespace taplaunch

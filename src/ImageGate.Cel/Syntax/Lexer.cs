using System.Globalization;
using System.Text;

namespace ImageGate.Cel.Syntax;

internal enum Tok
{
    Eof, Ident, QuotedIdent, Int, Uint, Double, String, Bytes, True, False, Null,
    LParen, RParen, LBracket, RBracket, LBrace, RBrace, Dot, Comma, Colon, Question,
    Plus, Minus, Star, Slash, Percent, Not, Eq, Ne, Lt, Le, Gt, Ge, And, Or, In, Reserved,
}

internal readonly record struct Token(Tok Kind, int Offset, int End, object? Value, string Text);

/// <summary>Thrown inside the parser for a syntax error; the parser turns it into a CelIssue.</summary>
internal sealed class SyntaxError(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}

/// <summary>Splits CEL source text into tokens, decoding literals.</summary>
internal sealed class Lexer
{
    private static readonly HashSet<string> Reserved =
    [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
        "namespace", "return", "var", "void", "while",
    ];

    private readonly string _src;
    private int _pos;

    public Lexer(string src) => _src = src;

    public List<Token> Tokenize()
    {
        var list = new List<Token>();
        while (true)
        {
            var t = Next();
            list.Add(t);
            if (t.Kind == Tok.Eof) return list;
        }
    }

    private char Peek(int k = 0) => _pos + k < _src.Length ? _src[_pos + k] : '\0';

    private Token Next()
    {
        SkipSpace();
        var start = _pos;
        if (_pos >= _src.Length) return new Token(Tok.Eof, start, start, null, "");
        var c = _src[_pos];
        switch (c)
        {
            case '(': _pos++; return Simple(Tok.LParen, start);
            case ')': _pos++; return Simple(Tok.RParen, start);
            case '[': _pos++; return Simple(Tok.LBracket, start);
            case ']': _pos++; return Simple(Tok.RBracket, start);
            case '{': _pos++; return Simple(Tok.LBrace, start);
            case '}': _pos++; return Simple(Tok.RBrace, start);
            case ',': _pos++; return Simple(Tok.Comma, start);
            case ':': _pos++; return Simple(Tok.Colon, start);
            case '?': _pos++; return Simple(Tok.Question, start);
            case '+': _pos++; return Simple(Tok.Plus, start);
            case '-': _pos++; return Simple(Tok.Minus, start);
            case '*': _pos++; return Simple(Tok.Star, start);
            case '/': _pos++; return Simple(Tok.Slash, start);
            case '%': _pos++; return Simple(Tok.Percent, start);
            case '!':
                _pos++;
                if (Peek() == '=') { _pos++; return Simple(Tok.Ne, start); }
                return Simple(Tok.Not, start);
            case '=':
                if (Peek(1) == '=') { _pos += 2; return Simple(Tok.Eq, start); }
                throw new SyntaxError(start, "token recognition error at: '='");
            case '<':
                _pos++;
                if (Peek() == '=') { _pos++; return Simple(Tok.Le, start); }
                return Simple(Tok.Lt, start);
            case '>':
                _pos++;
                if (Peek() == '=') { _pos++; return Simple(Tok.Ge, start); }
                return Simple(Tok.Gt, start);
            case '&':
                if (Peek(1) == '&') { _pos += 2; return Simple(Tok.And, start); }
                throw new SyntaxError(start, "token recognition error at: '&'");
            case '|':
                if (Peek(1) == '|') { _pos += 2; return Simple(Tok.Or, start); }
                throw new SyntaxError(start, "token recognition error at: '|'");
            case '.':
                if (char.IsAsciiDigit(Peek(1))) return Number(start);
                _pos++;
                return Simple(Tok.Dot, start);
            case '`':
                return QuotedIdent(start);
            case '"' or '\'':
                return StringLit(start, raw: false, bytes: false);
        }
        if (char.IsAsciiDigit(c)) return Number(start);
        if (char.IsAsciiLetter(c) || c == '_')
        {
            // String prefixes: r, b, rb, br (any case) directly followed by a quote.
            var p = _pos;
            bool raw = false, bytes = false;
            for (var k = 0; k < 2 && p < _src.Length; k++)
            {
                var ch = char.ToLowerInvariant(_src[p]);
                if (ch == 'r' && !raw) { raw = true; p++; }
                else if (ch == 'b' && !bytes) { bytes = true; p++; }
                else break;
            }
            if ((raw || bytes) && p < _src.Length && (_src[p] == '"' || _src[p] == '\''))
            {
                _pos = p;
                return StringLit(start, raw, bytes);
            }
            while (_pos < _src.Length && (char.IsAsciiLetterOrDigit(_src[_pos]) || _src[_pos] == '_')) _pos++;
            var text = _src[start.._pos];
            switch (text)
            {
                case "true": return new Token(Tok.True, start, _pos, true, text);
                case "false": return new Token(Tok.False, start, _pos, false, text);
                case "null": return new Token(Tok.Null, start, _pos, CelNull.Value, text);
                case "in": return new Token(Tok.In, start, _pos, null, text);
            }
            if (Reserved.Contains(text)) return new Token(Tok.Reserved, start, _pos, text, text);
            return new Token(Tok.Ident, start, _pos, text, text);
        }
        throw new SyntaxError(start, $"token recognition error at: '{c}'");
    }

    private Token Simple(Tok kind, int start) => new(kind, start, _pos, null, _src[start.._pos]);

    private void SkipSpace()
    {
        while (_pos < _src.Length)
        {
            var c = _src[_pos];
            if (c is ' ' or '\t' or '\n' or '\r' or '\f') _pos++;
            else if (c == '/' && Peek(1) == '/')
            {
                while (_pos < _src.Length && _src[_pos] != '\n') _pos++;
            }
            else break;
        }
    }

    private Token QuotedIdent(int start)
    {
        _pos++;
        var s = _pos;
        while (_pos < _src.Length && _src[_pos] != '`')
        {
            var ch = _src[_pos];
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' or '/' or ' '))
                throw new SyntaxError(_pos, $"invalid character in quoted identifier: '{ch}'");
            _pos++;
        }
        if (_pos >= _src.Length) throw new SyntaxError(start, "unterminated quoted identifier");
        var name = _src[s.._pos];
        _pos++;
        if (name.Length == 0) throw new SyntaxError(start, "empty quoted identifier");
        return new Token(Tok.QuotedIdent, start, _pos, name, _src[start.._pos]);
    }

    private Token Number(int start)
    {
        if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X'))
        {
            _pos += 2;
            var hs = _pos;
            while (char.IsAsciiHexDigit(Peek())) _pos++;
            if (_pos == hs) throw new SyntaxError(start, "invalid hex literal");
            var hex = _src[hs.._pos];
            if (Peek() is 'u' or 'U')
            {
                _pos++;
                if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var uv))
                    throw new SyntaxError(start, "invalid uint literal");
                return new Token(Tok.Uint, start, _pos, uv, _src[start.._pos]);
            }
            if (!ulong.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hv))
                throw new SyntaxError(start, "invalid int literal");
            return new Token(Tok.Int, start, _pos, hv, _src[start.._pos]);
        }
        var isFloat = false;
        while (char.IsAsciiDigit(Peek())) _pos++;
        if (Peek() == '.' && char.IsAsciiDigit(Peek(1)))
        {
            isFloat = true;
            _pos++;
            while (char.IsAsciiDigit(Peek())) _pos++;
        }
        if (Peek() is 'e' or 'E')
        {
            var save = _pos;
            _pos++;
            if (Peek() is '+' or '-') _pos++;
            if (char.IsAsciiDigit(Peek()))
            {
                isFloat = true;
                while (char.IsAsciiDigit(Peek())) _pos++;
            }
            else _pos = save;
        }
        var text = _src[start.._pos];
        if (isFloat)
        {
            var d = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (double.IsInfinity(d)) throw new SyntaxError(start, "invalid double literal");
            return new Token(Tok.Double, start, _pos, d, text);
        }
        if (Peek() is 'u' or 'U')
        {
            _pos++;
            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var uv))
                throw new SyntaxError(start, "invalid uint literal");
            return new Token(Tok.Uint, start, _pos, uv, _src[start.._pos]);
        }
        // Int magnitude kept as ulong so that -9223372036854775808 can be formed by the parser.
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            throw new SyntaxError(start, "invalid int literal");
        return new Token(Tok.Int, start, _pos, v, text);
    }

    private Token StringLit(int start, bool raw, bool bytes)
    {
        var q = _src[_pos];
        var triple = Peek(1) == q && Peek(2) == q;
        _pos += triple ? 3 : 1;
        var sb = new StringBuilder();
        var bb = bytes ? new List<byte>() : null;
        while (true)
        {
            if (_pos >= _src.Length) throw new SyntaxError(start, "unterminated string literal");
            var c = _src[_pos];
            if (triple ? (c == q && Peek(1) == q && Peek(2) == q) : c == q)
            {
                _pos += triple ? 3 : 1;
                break;
            }
            if (!triple && (c == '\n' || c == '\r')) throw new SyntaxError(start, "unterminated string literal (newline in single-quoted string)");
            if (c == '\\' && !raw)
            {
                Escape(sb, bb);
                continue;
            }
            if (char.IsHighSurrogate(c) && char.IsLowSurrogate(Peek(1)))
            {
                Append(sb, bb, _src.Substring(_pos, 2));
                _pos += 2;
                continue;
            }
            Append(sb, bb, c.ToString());
            _pos++;
        }
        var text = _src[start.._pos];
        if (bytes) return new Token(Tok.Bytes, start, _pos, new CelBytes(bb!.ToArray()), text);
        return new Token(Tok.String, start, _pos, sb.ToString(), text);
    }

    private static void Append(StringBuilder sb, List<byte>? bb, string s)
    {
        if (bb != null) bb.AddRange(Encoding.UTF8.GetBytes(s));
        else sb.Append(s);
    }

    private void Escape(StringBuilder sb, List<byte>? bb)
    {
        var at = _pos;
        _pos++;
        if (_pos >= _src.Length) throw new SyntaxError(at, "invalid escape sequence");
        var c = _src[_pos++];
        switch (c)
        {
            case 'a': Append(sb, bb, "\a"); return;
            case 'b': Append(sb, bb, "\b"); return;
            case 'f': Append(sb, bb, "\f"); return;
            case 'n': Append(sb, bb, "\n"); return;
            case 'r': Append(sb, bb, "\r"); return;
            case 't': Append(sb, bb, "\t"); return;
            case 'v': Append(sb, bb, "\v"); return;
            case '\\': Append(sb, bb, "\\"); return;
            case '\'': Append(sb, bb, "'"); return;
            case '"': Append(sb, bb, "\""); return;
            case '`': Append(sb, bb, "`"); return;
            case '?': Append(sb, bb, "?"); return;
            case 'x' or 'X':
            {
                var v = Hex(2, at);
                if (bb != null) bb.Add((byte)v);
                else sb.Append((char)v);
                return;
            }
            case 'u':
            case 'U':
            {
                if (bb != null) throw new SyntaxError(at, "unicode escapes are not allowed in bytes literals");
                var v = Hex(c == 'u' ? 4 : 8, at);
                if (v < 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) throw new SyntaxError(at, "invalid unicode code point in escape sequence");
                sb.Append(char.ConvertFromUtf32(v));
                return;
            }
        }
        if (c >= '0' && c <= '3')
        {
            if (_pos + 1 < _src.Length + 0 && IsOct(Peek()) && IsOct(Peek(1)))
            {
                var v = (c - '0') * 64 + (Peek() - '0') * 8 + (Peek(1) - '0');
                _pos += 2;
                if (bb != null) bb.Add((byte)v);
                else sb.Append((char)v);
                return;
            }
        }
        throw new SyntaxError(at, "invalid escape sequence");
    }

    private static bool IsOct(char c) => c >= '0' && c <= '7';

    private int Hex(int n, int at)
    {
        if (_pos + n > _src.Length) throw new SyntaxError(at, "invalid escape sequence");
        var s = _src.Substring(_pos, n);
        if (!int.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v) || s.Any(ch => !char.IsAsciiHexDigit(ch)))
            throw new SyntaxError(at, "invalid escape sequence");
        _pos += n;
        return v;
    }
}

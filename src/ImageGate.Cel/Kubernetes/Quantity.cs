using System.Globalization;
using System.Numerics;
using System.Text;

namespace ImageGate.Cel.Kubernetes;

/// <summary>How a <see cref="Quantity"/> is written: 1e3 (exponent), 1k (decimal SI) or 1Ki (binary SI).</summary>
public enum QuantityFormat
{
    /// <summary>Decimal exponent notation such as 12e6.</summary>
    DecimalExponent,

    /// <summary>Binary SI suffixes such as Ki and Mi.</summary>
    BinarySI,

    /// <summary>Decimal SI suffixes such as m, k and M.</summary>
    DecimalSI,
}

/// <summary>
/// A Kubernetes resource quantity (k8s.io/apimachinery resource.Quantity) as the Kubernetes CEL quantity
/// library uses it: parsing, canonical form, comparison, addition and conversion. Values keep the internal
/// representation Kubernetes would choose (a scaled int64 or an arbitrary-precision decimal rounded up to
/// nano units), because <see cref="IsInteger"/> and <see cref="AsInteger"/> depend on it exactly as in
/// Kubernetes: quantity("1000m").isInteger() is false there, and so it is here. Immutable.
/// </summary>
public sealed class Quantity : IComparable<Quantity>, IEquatable<Quantity>
{
    /// <summary>Largest accepted decimal exponent magnitude (e.g. 1e10000); a bound Kubernetes lacks.</summary>
    public const int MaxExponent = 10_000;

    private const string ErrFormatWrong =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    private const string ErrNumeric = "unable to parse numeric part of quantity";
    private const string ErrSuffix = "unable to parse quantity's suffix";

    private static readonly BigInteger MaxInt64 = long.MaxValue;

    // value = _unscaled * 10^_exponent. _isDecimal mirrors Kubernetes' choice of inf.Dec over int64Amount.
    private readonly BigInteger _unscaled;
    private readonly int _exponent;
    private readonly bool _isDecimal;
    private readonly string? _original; // Kubernetes keeps an input string that is already canonical

    private Quantity(BigInteger unscaled, int exponent, bool isDecimal, QuantityFormat format, string? original = null)
    {
        _unscaled = unscaled;
        _exponent = exponent;
        _isDecimal = isDecimal;
        Format = format;
        _original = original;
    }

    /// <summary>The notation used by <see cref="ToString"/>.</summary>
    public QuantityFormat Format { get; }

    /// <summary>-1, 0 or 1.</summary>
    public int Sign => _unscaled.Sign;

    /// <summary>Whether the value is zero.</summary>
    public bool IsZero => _unscaled.IsZero;

    /// <summary>Whether <see cref="AsInteger"/> succeeds (Kubernetes' fast int64 conversion is possible).</summary>
    public bool IsInteger => TryAsInt64(out _);

    /// <summary>A quantity holding an integer, as Kubernetes' NewQuantity(value, DecimalExponent) (used by add/sub with an int).</summary>
    public static Quantity FromInt64(long value) => new(value, 0, false, QuantityFormat.DecimalExponent);

    /// <summary>Parses a quantity such as "100m", "1.5Gi", "2e3"; throws <see cref="FormatException"/> with Kubernetes' message.</summary>
    public static Quantity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ParseCore(text, out string? error) ?? throw new FormatException(error);
    }

    /// <summary>Parses a quantity; false for input Kubernetes rejects.</summary>
    public static bool TryParse(string text, out Quantity? quantity)
    {
        quantity = text is null ? null : ParseCore(text, out _);
        return quantity is not null;
    }

    /// <summary>Whether Kubernetes would accept <paramref name="text"/> (CEL <c>isQuantity</c>).</summary>
    public static bool IsValid(string text) => TryParse(text, out _);

    /// <summary>The value as int64 when it is a whole number that fits; otherwise false (mirrors resource.Quantity.AsInt64).</summary>
    public bool TryAsInt64(out long value)
    {
        value = 0;
        if (_isDecimal || _exponent < 0)
        {
            return false;
        }
        var scaled = _unscaled * BigInteger.Pow(10, Math.Min(_exponent, 20));
        if (_exponent > 20 && !_unscaled.IsZero)
        {
            return false;
        }
        if (scaled > long.MaxValue || scaled < long.MinValue)
        {
            return false;
        }
        value = (long)scaled;
        return true;
    }

    /// <summary>The value as int64; throws <see cref="InvalidOperationException"/> ("cannot convert value to integer") otherwise.</summary>
    public long AsInteger() =>
        TryAsInt64(out long value) ? value : throw new InvalidOperationException("cannot convert value to integer");

    /// <summary>The value as a double, computed as Kubernetes' AsApproximateFloat64 does (may lose precision).</summary>
    public double AsApproximateFloat64()
    {
        double mantissa = (double)_unscaled;
        return _exponent == 0 ? mantissa : mantissa * Pow10(_exponent);
    }

    /// <summary>This quantity plus <paramref name="other"/>.</summary>
    public Quantity Add(Quantity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var format = IsZero ? other.Format : Format;
        if (!_isDecimal && !other._isDecimal)
        {
            if (other.IsZero)
            {
                return new Quantity(_unscaled, _exponent, false, Format);
            }
            if (IsZero)
            {
                return new Quantity(other._unscaled, other._exponent, false, other.Format);
            }
            // Kubernetes adds at the smaller scale and falls back to a decimal on int64 overflow.
            int scale = Math.Min(_exponent, other._exponent);
            var sum = Align(this, scale) + Align(other, scale);
            if (FitsInt64(Align(this, scale)) && FitsInt64(Align(other, scale)) && FitsInt64(sum))
            {
                return new Quantity(sum, scale, false, Format);
            }
        }
        int decimalScale = Math.Min(_exponent, other._exponent);
        return new Quantity(Align(this, decimalScale) + Align(other, decimalScale), decimalScale, true, format);
    }

    /// <summary>This quantity minus <paramref name="other"/>.</summary>
    public Quantity Subtract(Quantity other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var negated = new Quantity(-other._unscaled, other._exponent, other._isDecimal, other.Format);
        var format = IsZero ? other.Format : Format;
        var result = Add(negated);
        return new Quantity(result._unscaled, result._exponent, result._isDecimal, format);
    }

    /// <summary>This quantity plus an integer.</summary>
    public Quantity Add(long value) => Add(FromInt64(value));

    /// <summary>This quantity minus an integer.</summary>
    public Quantity Subtract(long value) => Subtract(FromInt64(value));

    /// <summary>Compares values exactly: -1, 0 or 1.</summary>
    public int CompareTo(Quantity? other)
    {
        if (other is null)
        {
            return 1;
        }
        int scale = Math.Min(_exponent, other._exponent);
        return Align(this, scale).CompareTo(Align(other, scale));
    }

    /// <summary>Whether this quantity is smaller than <paramref name="other"/>.</summary>
    public bool IsLessThan(Quantity other) => CompareTo(other) < 0;

    /// <summary>Whether this quantity is larger than <paramref name="other"/>.</summary>
    public bool IsGreaterThan(Quantity other) => CompareTo(other) > 0;

    /// <summary>Value equality, regardless of notation (1k equals 1000).</summary>
    public bool Equals(Quantity? other) => other is not null && CompareTo(other) == 0;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Quantity q && Equals(q);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var (mantissa, exponent) = StripTrailingZeros(_unscaled, _exponent);
        return HashCode.Combine(mantissa, exponent);
    }

    /// <summary>The canonical Kubernetes form, e.g. "1500m", "1536Mi", "1e3".</summary>
    public override string ToString()
    {
        if (_original is not null)
        {
            return _original;
        }
        if (IsZero)
        {
            return "0";
        }
        var format = Format;
        if (format == QuantityFormat.BinarySI)
        {
            if (CompareTo(FromInt64(-1024)) > 0 && CompareTo(FromInt64(1024)) < 0)
            {
                format = QuantityFormat.DecimalSI;
            }
            else if (_exponent < 0 && !(_unscaled % BigInteger.Pow(10, -_exponent)).IsZero)
            {
                format = QuantityFormat.DecimalSI; // keep the precision a binary suffix would lose
            }
        }

        if (format == QuantityFormat.BinarySI)
        {
            var integer = _exponent >= 0 ? _unscaled * BigInteger.Pow(10, _exponent) : _unscaled / BigInteger.Pow(10, -_exponent);
            int power = 0;
            while (power < 6 && !integer.IsZero && (integer % 1024).IsZero)
            {
                integer /= 1024;
                power++;
            }
            string[] binary = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
            return integer.ToString(CultureInfo.InvariantCulture) + binary[power];
        }

        var (mantissa, exponent) = StripTrailingZeros(_unscaled, _exponent);
        while (exponent % 3 != 0)
        {
            mantissa *= 10;
            exponent--;
        }
        string number = mantissa.ToString(CultureInfo.InvariantCulture);
        if (exponent == 0)
        {
            return number;
        }
        if (format == QuantityFormat.DecimalSI)
        {
            string? suffix = exponent switch
            {
                -9 => "n", -6 => "u", -3 => "m", 3 => "k", 6 => "M", 9 => "G", 12 => "T", 15 => "P", 18 => "E",
                _ => null,
            };
            if (suffix is not null)
            {
                return number + suffix;
            }
        }
        return number + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private static (BigInteger Mantissa, int Exponent) StripTrailingZeros(BigInteger mantissa, int exponent)
    {
        if (mantissa.IsZero)
        {
            return (mantissa, 0);
        }
        while ((mantissa % 10).IsZero)
        {
            mantissa /= 10;
            exponent++;
        }
        return (mantissa, exponent);
    }

    private static BigInteger Align(Quantity q, int scale) =>
        q._exponent == scale ? q._unscaled : q._unscaled * BigInteger.Pow(10, q._exponent - scale);

    private static bool FitsInt64(BigInteger v) => v >= long.MinValue && v <= long.MaxValue;

    // Powers of ten computed like Go's math.Pow10 (exact table entries combined), so results match Kubernetes.
    private static double Pow10(int n)
    {
        if (n is >= 0 and <= 308)
        {
            return double.Parse("1e" + (n / 32 * 32), CultureInfo.InvariantCulture) * double.Parse("1e" + (n % 32), CultureInfo.InvariantCulture);
        }
        if (n is >= -323 and < 0)
        {
            return double.Parse("1e-" + (-n / 32 * 32), CultureInfo.InvariantCulture) / double.Parse("1e" + (-n % 32), CultureInfo.InvariantCulture);
        }
        return n > 0 ? double.PositiveInfinity : 0;
    }

    // Kubernetes' parseQuantityString followed by ParseQuantity.
    private static Quantity? ParseCore(string str, out string? error)
    {
        error = ErrFormatWrong;
        if (str.Length == 0)
        {
            return null;
        }
        if (str == "0")
        {
            error = null;
            return new Quantity(0, 0, false, QuantityFormat.DecimalSI, str);
        }

        if (!SplitQuantity(str, out bool positive, out string value, out string num, out string denom, out string suffix))
        {
            return null;
        }
        error = ErrSuffix;
        if (!InterpretSuffix(suffix, out int numberBase, out long exponent, out var format))
        {
            return null;
        }
        if (exponent is > MaxExponent or < -MaxExponent)
        {
            error = $"quantity exponent {exponent} is out of the supported range ±{MaxExponent}";
            return null;
        }
        error = null;

        int precision = 0;
        long scale = 0;
        long mantissa = 1;
        switch (format)
        {
            case QuantityFormat.DecimalExponent:
            case QuantityFormat.DecimalSI:
                scale = exponent;
                precision = 18 - (num.Length + denom.Length);
                break;
            case QuantityFormat.BinarySI:
                if (exponent >= 0 && denom.Length == 0)
                {
                    mantissa = 1L << (int)exponent;
                    precision = 15 - num.Length - (int)(exponent * 3f / 10) - 1;
                }
                else
                {
                    precision = -1;
                }
                break;
        }

        if (precision >= 0)
        {
            scale -= denom.Length;
            if (scale >= -9)
            {
                string shifted = num + denom;
                if (!long.TryParse(shifted, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed))
                {
                    error = ErrNumeric;
                    return null;
                }
                BigInteger product = (BigInteger)parsed * mantissa;
                if (FitsInt64(product))
                {
                    var result = positive ? product : -product;
                    bool canonical = format == QuantityFormat.BinarySI
                        ? exponent % 10 == 0 && (parsed & 0x07) != 0
                        : scale % 3 == 0 && !shifted.EndsWith("000", StringComparison.Ordinal) && shifted[0] != '0';
                    return new Quantity(result, (int)scale, false, format, canonical ? str : null);
                }
            }
        }

        // Arbitrary precision: the numeric text times the suffix, rounded up to nano units.
        var (unscaled, decScale) = ParseDecimal(value);
        if (numberBase == 10)
        {
            decScale += (int)exponent;
        }
        else
        {
            unscaled *= BigInteger.Pow(2, (int)exponent);
        }
        bool negative = unscaled.Sign < 0;
        unscaled = BigInteger.Abs(unscaled);
        if (!unscaled.IsZero)
        {
            (unscaled, decScale) = RoundUpToNano(unscaled, decScale);
        }
        if (format == QuantityFormat.BinarySI && CompareDecimal(unscaled, decScale, MaxInt64, 0) > 0)
        {
            unscaled = MaxInt64;
            decScale = 0;
        }
        if (format == QuantityFormat.BinarySI && CompareDecimal(unscaled, decScale, 1, 0) < 0 && !unscaled.IsZero)
        {
            format = QuantityFormat.DecimalSI;
        }
        return new Quantity(negative ? -unscaled : unscaled, decScale, true, format);
    }

    private static int CompareDecimal(BigInteger a, int aExp, BigInteger b, int bExp)
    {
        int scale = Math.Min(aExp, bExp);
        return (a * BigInteger.Pow(10, aExp - scale)).CompareTo(b * BigInteger.Pow(10, bExp - scale));
    }

    // Rounds a positive value up (away from zero) to exactly nine fractional digits, as inf.Dec.Round does.
    private static (BigInteger, int) RoundUpToNano(BigInteger unscaled, int exponent)
    {
        if (exponent >= -9)
        {
            return (unscaled * BigInteger.Pow(10, exponent + 9), -9);
        }
        var divisor = BigInteger.Pow(10, -9 - exponent);
        var quotient = BigInteger.DivRem(unscaled, divisor, out var remainder);
        return (remainder.IsZero ? quotient : quotient + 1, -9);
    }

    private static (BigInteger Unscaled, int Exponent) ParseDecimal(string value)
    {
        // value is [+-]?digits[.digits]; the sign and decimal point were validated by SplitQuantity.
        bool negative = value.StartsWith('-');
        string body = value.TrimStart('+', '-');
        int dot = body.IndexOf('.');
        string digits = dot < 0 ? body : body.Remove(dot, 1);
        int exponent = dot < 0 ? 0 : -(body.Length - dot - 1);
        var unscaled = digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return (negative ? -unscaled : unscaled, exponent);
    }

    // Splits sign, numeric text, integer digits (leading zeros removed), fraction digits and suffix.
    private static bool SplitQuantity(string str, out bool positive, out string value, out string num, out string denom, out string suffix)
    {
        positive = true;
        value = num = denom = suffix = "";
        int pos = 0, end = str.Length;
        if (str[0] == '-')
        {
            positive = false;
            pos++;
        }
        else if (str[0] == '+')
        {
            pos++;
        }
        while (pos < end && str[pos] == '0')
        {
            pos++;
        }
        if (pos >= end)
        {
            num = value = "0";
            return true;
        }
        int numStart = pos;
        while (pos < end && char.IsAsciiDigit(str[pos]))
        {
            pos++;
        }
        num = str[numStart..pos];
        if (pos >= end)
        {
            value = str;
            return true;
        }
        if (num.Length == 0)
        {
            num = "0";
        }
        if (str[pos] == '.')
        {
            pos++;
            int denomStart = pos;
            while (pos < end && char.IsAsciiDigit(str[pos]))
            {
                pos++;
            }
            denom = str[denomStart..pos];
            if (pos >= end)
            {
                value = str;
                return true;
            }
        }
        value = str[..pos];
        int suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".Contains(str[pos]))
        {
            pos++;
        }
        if (pos < end && (str[pos] == '-' || str[pos] == '+'))
        {
            pos++;
        }
        while (pos < end && char.IsAsciiDigit(str[pos]))
        {
            pos++;
        }
        if (pos < end)
        {
            return false;
        }
        suffix = str[suffixStart..];
        return true;
    }

    private static bool InterpretSuffix(string suffix, out int numberBase, out long exponent, out QuantityFormat format)
    {
        numberBase = 10;
        format = QuantityFormat.DecimalSI;
        exponent = suffix switch
        {
            "" => 0, "n" => -9, "u" => -6, "m" => -3, "k" => 3, "M" => 6, "G" => 9, "T" => 12, "P" => 15, "E" => 18,
            _ => long.MinValue,
        };
        if (exponent != long.MinValue)
        {
            return true;
        }
        format = QuantityFormat.BinarySI;
        numberBase = 2;
        exponent = suffix switch
        {
            "Ki" => 10, "Mi" => 20, "Gi" => 30, "Ti" => 40, "Pi" => 50, "Ei" => 60,
            _ => long.MinValue,
        };
        if (exponent != long.MinValue)
        {
            return true;
        }
        format = QuantityFormat.DecimalExponent;
        numberBase = 10;
        if (suffix.Length > 1 && (suffix[0] == 'e' || suffix[0] == 'E')
            && long.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            return true;
        }
        return false;
    }
}

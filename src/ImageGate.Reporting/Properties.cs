using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ImageGate.Reporting.Tests")]

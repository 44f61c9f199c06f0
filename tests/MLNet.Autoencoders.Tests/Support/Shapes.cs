using System.Reflection;
using Microsoft.ML;

namespace MLNet.Autoencoders.Tests.Support;

/// <summary>ML.NET's SchemaShape.Create(DataViewSchema) is internal; tests reach it by reflection to call GetOutputSchema.</summary>
public static class Shapes
{
    public static SchemaShape Of(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])!
            .Invoke(null, [schema])!;
}

namespace VisPruner.Tests;

public sealed class VisualTokensTests
{
    [Fact]
    public void Shape_is_derived_from_the_spans()
    {
        var tokens = new VisualTokens<float>(new float[576 * 8], 8, new float[576]);

        Assert.Equal(576, tokens.Count);
        Assert.Equal(8, tokens.Dimension);
        Assert.Equal(24, tokens.GridWidth);
        Assert.Equal(24, tokens.GridHeight);
    }

    [Fact]
    public void A_non_square_count_without_grid_width_is_one_row()
    {
        var tokens = new VisualTokens<float>(new float[10 * 2], 2);

        Assert.Equal(10, tokens.GridWidth);
        Assert.Equal(1, tokens.GridHeight);
    }

    [Fact]
    public void Features_that_are_not_whole_rows_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VisualTokens<float>(new float[10], 3));
        Assert.Equal("features", ex.ParamName);
    }

    [Fact]
    public void Importance_of_the_wrong_length_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VisualTokens<float>(new float[12], 3, new float[5]));
        Assert.Equal("importance", ex.ParamName);
    }

    [Fact]
    public void A_grid_width_that_does_not_divide_the_count_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new VisualTokens<float>(new float[12], 1, gridWidth: 5));
        Assert.Equal("gridWidth", ex.ParamName);
    }

    [Fact]
    public void A_non_positive_dimension_is_rejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new VisualTokens<float>(new float[12], 0));
        Assert.Equal("dimension", ex.ParamName);
    }
}

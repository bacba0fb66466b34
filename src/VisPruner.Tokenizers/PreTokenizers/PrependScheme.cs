namespace VisPruner.Tokenizers.PreTokenizers;

/// <summary>When Metaspace adds the replacement character in front of a piece.</summary>
internal enum PrependScheme
{
    Always,
    First,
    Never,
}

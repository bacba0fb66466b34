using System.ComponentModel;
using Microsoft.SemanticKernel;

namespace VisPruner.SemanticKernel.IntegrationTests.Snippets;

/// <summary>The lookup tool of the README's examples: a kernel function, and an AIFunction through AIFunctionFactory.</summary>
public sealed class BuildingPlugin
{
    [KernelFunction("lookup_building")]
    [Description("Looks up what a buyer should know about a kind of building.")]
    public static string LookupBuilding([Description("The kind of building, e.g. house, barn, tower")] string kind, [Description("Its main colour")] string? colour = null) =>
        kind.ToUpperInvariant() switch
        {
            "HOUSE" => $"A detached {colour} house: check the roof, the damp course and the heating.",
            "BARN" => "A barn: conversion needs planning permission.",
            _ => $"No records for '{kind}'.",
        };
}

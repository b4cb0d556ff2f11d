Attribute VB_Name = "RibbonEvaltool"
' "Check only" button callback for evaltool_xl.xlam.
' Import into the add-in's VBA project (password: xlwings), see macros/README.md.
' Same pattern as xlwings' RibbonMyAddin.RunMain, calling check() instead of main().
Sub RunCheck(control As IRibbonControl)
    RunPython "import evaltool_xl;evaltool_xl.check()"
End Sub

Console.WriteLine("imagegate");
return 0;
